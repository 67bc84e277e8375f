/**
 * Sessions and API tokens: issuing, resolving to a principal, ending. Lookups go by the digest of the secret
 * (primary key / unique index), so authenticating a request is one indexed query.
 */
import type { Queryable } from '../db/queryable.js';
import type { Principal, Role } from './principal.js';

interface PrincipalRow {
  user_id: number;
  username: string;
  display_name: string;
  role: Role;
  area_id: string | null;
  unit_id: string | null;
  district_id: string | null;
  district_ids: string[];
  scope_area_ids: string[] | null;
  locale: 'zh-CN' | 'en';
  read_only: boolean;
  credential_id: string;
  csrf_token: string | null;
}

/**
 * A principal's district and scope: an area account's district is its area's; a bureau scoped to districts
 * (migration 0100) gets the first as its home district and the streets/towns of all of them, read once here
 * so that every scope check afterwards is a lookup in the principal, not a query.
 */
const SCOPE_COLUMNS = `coalesce(a.district_id, u.district_ids[1]) AS district_id, u.district_ids,
  (SELECT array_agg(x.id ORDER BY x.id) FROM area x WHERE x.district_id = ANY(u.district_ids)) AS scope_area_ids`;

function toPrincipal(r: PrincipalRow, via: 'session' | 'token'): Principal {
  return {
    userId: r.user_id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    areaId: r.area_id,
    districtId: r.district_id,
    districtIds: r.district_ids,
    scopeAreaIds: r.scope_area_ids ?? [],
    unitId: r.unit_id,
    locale: r.locale,
    via,
    readOnly: r.read_only || r.role === 'readonly',
    ...(via === 'session'
      ? { sessionId: r.credential_id, csrfToken: r.csrf_token ?? '' }
      : { tokenId: Number(r.credential_id) }),
  };
}

export async function insertSession(
  db: Queryable,
  s: {
    idHash: string;
    userId: number;
    csrfToken: string;
    ttlMinutes: number;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<{ expires_at: Date }> {
  const { rows } = await db.query<{ expires_at: Date }>(
    `INSERT INTO user_session (id_hash, user_id, csrf_token, expires_at, ip, user_agent)
     VALUES ($1, $2, $3, now() + make_interval(mins => $4), $5, $6) RETURNING expires_at`,
    [s.idHash, s.userId, s.csrfToken, s.ttlMinutes, s.ip, s.userAgent],
  );
  return rows[0]!;
}

/**
 * The principal of a live session: not ended, not past its absolute expiry, not idle longer than
 * `idleMinutes`, user not disabled. last_seen_at is written at most once a minute, so reading pages does not
 * turn into a write per request.
 */
export async function findSessionPrincipal(
  db: Queryable,
  idHash: string,
  idleMinutes: number,
): Promise<Principal | null> {
  const { rows } = await db.query<PrincipalRow>(
    `WITH live AS (
       SELECT s.id_hash, s.csrf_token, s.last_seen_at, u.id AS user_id, u.username, u.display_name, u.role,
              u.area_id, u.unit_id, ${SCOPE_COLUMNS}, u.locale
         FROM user_session s JOIN app_user u ON u.id = s.user_id LEFT JOIN area a ON a.id = u.area_id
        WHERE s.id_hash = $1 AND s.ended_at IS NULL AND s.expires_at > now()
          AND s.last_seen_at > now() - make_interval(mins => $2) AND u.disabled_at IS NULL
     ), touched AS (
       UPDATE user_session SET last_seen_at = now()
        WHERE id_hash = (SELECT id_hash FROM live WHERE last_seen_at < now() - interval '1 minute')
     )
     SELECT user_id, username, display_name, role, area_id, unit_id, district_id, district_ids, scope_area_ids, locale, false AS read_only,
            id_hash AS credential_id, csrf_token
       FROM live`,
    [idHash, idleMinutes],
  );
  return rows[0] ? toPrincipal(rows[0], 'session') : null;
}

export async function endSession(db: Queryable, idHash: string): Promise<boolean> {
  const r = await db.query(
    `UPDATE user_session SET ended_at = now() WHERE id_hash = $1 AND ended_at IS NULL`,
    [idHash],
  );
  return (r.rowCount ?? 0) > 0;
}

/** Sessions are kept a week past their end for investigations, then removed. */
export async function purgeOldSessions(db: Queryable): Promise<number> {
  const r = await db.query(
    `DELETE FROM user_session WHERE least(expires_at, coalesce(ended_at, expires_at)) < now() - interval '7 days'`,
  );
  return r.rowCount ?? 0;
}

export interface TokenRow {
  id: number;
  user_id: number;
  username: string;
  name: string;
  token_prefix: string;
  read_only: boolean;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const TOKEN_COLUMNS = `t.id, t.user_id, (SELECT username FROM app_user WHERE id = t.user_id) AS username, t.name,
  t.token_prefix, t.read_only, t.created_at, t.expires_at, t.last_used_at, t.revoked_at`;

export async function insertToken(
  db: Queryable,
  t: {
    userId: number;
    name: string;
    hash: string;
    prefix: string;
    readOnly: boolean;
    expiresInDays: number | null;
  },
): Promise<TokenRow> {
  const { rows } = await db.query<TokenRow>(
    `INSERT INTO api_token AS t (user_id, name, token_hash, token_prefix, read_only, expires_at)
     VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::int IS NULL THEN NULL ELSE now() + make_interval(days => $6) END)
     RETURNING ${TOKEN_COLUMNS}`,
    [t.userId, t.name, t.hash, t.prefix, t.readOnly, t.expiresInDays],
  );
  return rows[0]!;
}

export async function findTokenPrincipal(db: Queryable, hash: string): Promise<Principal | null> {
  const { rows } = await db.query<PrincipalRow>(
    `WITH live AS (
       SELECT t.id, t.read_only, t.last_used_at, u.id AS user_id, u.username, u.display_name, u.role, u.area_id,
              u.unit_id, ${SCOPE_COLUMNS}, u.locale
         FROM api_token t JOIN app_user u ON u.id = t.user_id LEFT JOIN area a ON a.id = u.area_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
          AND u.disabled_at IS NULL
     ), touched AS (
       UPDATE api_token SET last_used_at = now()
        WHERE id = (SELECT id FROM live WHERE last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
     )
     SELECT user_id, username, display_name, role, area_id, unit_id, district_id, district_ids, scope_area_ids, locale, read_only,
            id::text AS credential_id, NULL AS csrf_token
       FROM live`,
    [hash],
  );
  return rows[0] ? toPrincipal(rows[0], 'token') : null;
}

export async function listTokens(db: Queryable, userId: number | null): Promise<TokenRow[]> {
  const { rows } = await db.query<TokenRow>(
    `SELECT ${TOKEN_COLUMNS} FROM api_token t WHERE ($1::bigint IS NULL OR t.user_id = $1) ORDER BY t.id`,
    [userId],
  );
  return rows;
}

export async function findToken(db: Queryable, id: number): Promise<TokenRow | null> {
  const { rows } = await db.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_token t WHERE t.id = $1`, [id]);
  return rows[0] ?? null;
}

export async function revokeToken(db: Queryable, id: number): Promise<TokenRow | null> {
  const { rows } = await db.query<TokenRow>(
    `UPDATE api_token t SET revoked_at = coalesce(revoked_at, now()) WHERE t.id = $1 RETURNING ${TOKEN_COLUMNS}`,
    [id],
  );
  return rows[0] ?? null;
}
