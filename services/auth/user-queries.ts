/** app_user: one named function per statement. Password hashes never leave this module except to verify. */
import type { Queryable } from '../db/queryable.js';
import type { Role } from './principal.js';

export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  area_id: string | null;
  unit_id: string | null;
  /** A bureau's districts (migration 0100); empty = every district. */
  district_ids: string[];
  locale: 'zh-CN' | 'en';
  disabled_at: Date | null;
  created_at: Date;
  last_login_at: Date | null;
  has_password: boolean;
}

const USER_COLUMNS = `u.id, u.username, u.display_name, u.role, u.area_id, u.unit_id, u.district_ids, u.locale, u.disabled_at, u.created_at,
  u.last_login_at, (u.password_hash IS NOT NULL) AS has_password`;

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  areaId: string | null;
  /** The unit role's unit (issue 16); omitted for every other role. */
  unitId?: string | null;
  /** A bureau's districts; omitted = every district. */
  districtIds?: readonly string[];
  passwordHash: string | null;
  locale: 'zh-CN' | 'en';
}

/** Returns null when the username is taken (ON CONFLICT on the unique index, not a caught error). */
export async function insertUser(db: Queryable, u: NewUser): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(
    `INSERT INTO app_user AS u (username, display_name, role, area_id, password_hash, locale, unit_id, district_ids)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (username) DO NOTHING
     RETURNING ${USER_COLUMNS}`,
    [
      u.username,
      u.displayName,
      u.role,
      u.areaId,
      u.passwordHash,
      u.locale,
      u.unitId ?? null,
      u.districtIds ?? [],
    ],
  );
  return rows[0] ?? null;
}

export async function findUserById(db: Queryable, id: number): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM app_user u WHERE u.id = $1`, [id]);
  return rows[0] ?? null;
}

export async function findUserByUsername(db: Queryable, username: string): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM app_user u WHERE u.username = $1`, [
    username,
  ]);
  return rows[0] ?? null;
}

export interface LoginCandidate {
  id: number;
  password_hash: string | null;
  disabled: boolean;
  locked: boolean;
}

/** The row a login checks, locked FOR UPDATE so concurrent guesses count one after another. */
export async function lockLoginCandidate(db: Queryable, username: string): Promise<LoginCandidate | null> {
  const { rows } = await db.query<LoginCandidate>(
    `SELECT id, password_hash, disabled_at IS NOT NULL AS disabled,
            coalesce(locked_until > now(), false) AS locked
       FROM app_user WHERE username = $1 FOR UPDATE`,
    [username],
  );
  return rows[0] ?? null;
}

/** Counts a failed login; the `maxFailures`-th in a row locks the account for `lockMinutes`. */
export async function recordLoginFailure(
  db: Queryable,
  userId: number,
  maxFailures: number,
  lockMinutes: number,
): Promise<{ failed_logins: number; locked: boolean }> {
  const { rows } = await db.query<{ failed_logins: number; locked: boolean }>(
    `UPDATE app_user
        SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
            locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
      WHERE id = $1
      RETURNING failed_logins, coalesce(locked_until > now(), false) AS locked`,
    [userId, maxFailures, lockMinutes],
  );
  return rows[0]!;
}

export async function recordLoginSuccess(db: Queryable, userId: number): Promise<void> {
  await db.query(
    `UPDATE app_user SET failed_logins = 0, locked_until = NULL, last_login_at = now() WHERE id = $1`,
    [userId],
  );
}

export async function listUsers(db: Queryable): Promise<UserRow[]> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM app_user u ORDER BY u.username`);
  return rows;
}

export interface UserPatch {
  displayName?: string;
  role?: Role;
  areaId?: string | null;
  locale?: 'zh-CN' | 'en';
  disabled?: boolean;
  passwordHash?: string;
  /** A bureau's districts; [] = every district (and the only value for other roles). */
  districtIds?: readonly string[];
}

export async function updateUser(db: Queryable, id: number, p: UserPatch): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(
    `UPDATE app_user u SET
        display_name = coalesce($2, display_name),
        role = coalesce($3, role),
        area_id = CASE WHEN $4::boolean THEN $5 ELSE area_id END,
        locale = coalesce($6, locale),
        disabled_at = CASE WHEN $7::boolean IS NULL THEN disabled_at
                           WHEN $7 THEN coalesce(disabled_at, now()) ELSE NULL END,
        password_hash = coalesce($8, password_hash),
        district_ids = CASE WHEN $9::boolean THEN $10::text[] ELSE district_ids END,
        updated_at = now()
      WHERE id = $1
      RETURNING ${USER_COLUMNS}`,
    [
      id,
      p.displayName ?? null,
      p.role ?? null,
      p.areaId !== undefined,
      p.areaId ?? null,
      p.locale ?? null,
      p.disabled ?? null,
      p.passwordHash ?? null,
      p.districtIds !== undefined,
      p.districtIds ?? [],
    ],
  );
  return rows[0] ?? null;
}
