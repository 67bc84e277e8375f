/**
 * The append-only audit log (migration 0051). Callers write the entry with the same Queryable as the change,
 * inside its transaction, so a change without its audit row (or the reverse) cannot be committed.
 */
import type { Queryable } from '../db/queryable.js';
import type { Principal } from './principal.js';

export interface Actor {
  id: number | null;
  name: string;
  via: 'session' | 'token' | 'cli' | 'system';
  ip?: string | null;
  requestId?: string | null;
}

export function actorOf(p: Principal, req?: { ip?: string; id?: string }): Actor {
  return { id: p.userId, name: p.username, via: p.via, ip: req?.ip ?? null, requestId: req?.id ?? null };
}

export const SYSTEM_ACTOR: Actor = { id: null, name: 'system', via: 'system' };

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string | number | null;
  before?: unknown;
  after?: unknown;
}

export async function writeAudit(db: Queryable, actor: Actor, entry: AuditEntry): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO audit_log (actor_id, actor, via, action, entity_type, entity_id, before, after, ip, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      actor.id,
      actor.name,
      actor.via,
      entry.action,
      entry.entityType,
      entry.entityId === null ? null : String(entry.entityId),
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      actor.ip ?? null,
      actor.requestId ?? null,
    ],
  );
  return rows[0]!.id;
}

export interface AuditRow {
  id: number;
  at: Date;
  actor_id: number | null;
  actor: string;
  via: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

export async function listAudit(
  db: Queryable,
  f: {
    entityType?: string;
    entityId?: string;
    actor?: string;
    /** An action, or a prefix of one ending in '.' ("user." lists user.create, user.update …). */
    action?: string;
    beforeId?: number;
    limit: number;
  },
): Promise<AuditRow[]> {
  const { rows } = await db.query<AuditRow>(
    `SELECT id, at, actor_id, actor, via, action, entity_type, entity_id, before, after, ip
       FROM audit_log
      WHERE ($1::text IS NULL OR entity_type = $1) AND ($2::text IS NULL OR entity_id = $2)
        AND ($3::text IS NULL OR actor = $3) AND ($4::bigint IS NULL OR id < $4)
        AND ($6::text IS NULL OR action = $6 OR (right($6, 1) = '.' AND starts_with(action, $6)))
      ORDER BY id DESC LIMIT $5`,
    [
      f.entityType ?? null,
      f.entityId ?? null,
      f.actor ?? null,
      f.beforeId ?? null,
      f.limit,
      f.action ?? null,
    ],
  );
  return rows;
}
