/** source_status and source_condition: the stale-source episodes the alerts deliver. */
import type { Queryable } from '../db/queryable.js';

export interface SourceStatusRow {
  source_id: string;
  watching_since: Date;
  last_data_at: Date | null;
  last_batch_id: number | null;
  last_error: string | null;
  stale_since: Date | null;
}

/** Starts watching sources seen for the first time and returns every status row, stamped as checked. */
export async function ensureSourceStatuses(
  db: Queryable,
  sourceIds: readonly string[],
  now: Date,
): Promise<Map<string, SourceStatusRow>> {
  const { rows } = await db.query<SourceStatusRow>(
    `INSERT INTO source_status AS s (source_id, watching_since, last_checked_at)
     SELECT id, $2, $2 FROM unnest($1::text[]) AS t(id)
     ON CONFLICT (source_id) DO UPDATE SET last_checked_at = EXCLUDED.last_checked_at
     RETURNING s.source_id, s.watching_since, s.last_data_at, s.last_batch_id, s.last_error, s.stale_since`,
    [sourceIds, now],
  );
  return new Map(rows.map((r) => [r.source_id, r]));
}

export interface OpenStaleInput {
  sourceId: string;
  now: Date;
  verdict: { firstMissing: Date; dueAt: Date };
  lastDataAt: Date | null;
  detailZh: string;
  detailEn: string;
}

/** Opens an episode unless one is open; true when this call opened it. */
export async function openStaleCondition(db: Queryable, c: OpenStaleInput): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO source_condition (source_id, kind, opened_at, due_period_start, due_at, last_data_at, detail_zh,
                                   detail_en, updated_at)
     VALUES ($1, 'stale', $2, $3, $4, $5, $6, $7, $2)
     ON CONFLICT (source_id, kind) WHERE resolved_at IS NULL DO NOTHING`,
    [c.sourceId, c.now, c.verdict.firstMissing, c.verdict.dueAt, c.lastDataAt, c.detailZh, c.detailEn],
  );
  await db.query(`UPDATE source_status SET stale_since = coalesce(stale_since, $2) WHERE source_id = $1`, [
    c.sourceId,
    c.now,
  ]);
  return (rowCount ?? 0) > 0;
}

/** Resolves the open episode (if any) and clears stale_since; true when an episode was resolved. */
export async function resolveStaleCondition(
  db: Queryable,
  sourceId: string,
  batchId: number | null,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE source_condition SET resolved_at = $2, resolved_by_batch = $3, updated_at = $2
      WHERE source_id = $1 AND kind = 'stale' AND resolved_at IS NULL`,
    [sourceId, now, batchId],
  );
  await db.query(
    `UPDATE source_status SET stale_since = NULL WHERE source_id = $1 AND stale_since IS NOT NULL`,
    [sourceId],
  );
  return (rowCount ?? 0) > 0;
}

export interface SourceConditionRow {
  id: number;
  source_id: string;
  kind: 'stale';
  opened_at: Date;
  due_period_start: Date;
  due_at: Date;
  last_data_at: Date | null;
  detail_zh: string;
  detail_en: string;
  resolved_at: Date | null;
  resolved_by_batch: number | null;
  updated_at: Date;
}

/** Conditions changed after a cursor (updated_at, id), oldest first: how the alerts poll. */
export async function listSourceConditionsSince(
  db: Queryable,
  after: { updatedAt: Date; id: number } | null,
  limit = 500,
): Promise<SourceConditionRow[]> {
  const { rows } = await db.query<SourceConditionRow>(
    `SELECT id, source_id, kind, opened_at, due_period_start, due_at, last_data_at, detail_zh, detail_en,
            resolved_at, resolved_by_batch, updated_at
       FROM source_condition
      WHERE $1::timestamptz IS NULL OR (updated_at, id) > ($1, $2)
      ORDER BY updated_at, id
      LIMIT $3`,
    [after?.updatedAt ?? null, after?.id ?? 0, limit],
  );
  return rows;
}
