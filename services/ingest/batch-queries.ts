/** Ingest batches and refused rows: one named function per statement. */
import type { Queryable } from '../db/queryable.js';

export interface BatchCounts {
  received: number;
  inserted: number;
  updated: number;
  unchanged: number;
  refused: number;
}

export async function openBatch(
  db: Queryable,
  b: { sourceId: string; adapter: string; origin?: string | null; tick?: string | null },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO ingest_batch (source_id, adapter, origin, tick) VALUES ($1, $2, $3, $4) RETURNING id`,
    [b.sourceId, b.adapter, b.origin ?? null, b.tick ?? null],
  );
  return rows[0]!.id;
}

export async function finishBatch(db: Queryable, batchId: number, counts: BatchCounts): Promise<void> {
  await db.query(
    `UPDATE ingest_batch
        SET status = 'done', received = $2, inserted = $3, updated = $4, unchanged = $5, refused = $6,
            finished_at = now()
      WHERE id = $1`,
    [batchId, counts.received, counts.inserted, counts.updated, counts.unchanged, counts.refused],
  );
}

export async function failBatch(db: Queryable, batchId: number, error: string): Promise<void> {
  await db.query(`UPDATE ingest_batch SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, [
    batchId,
    error,
  ]);
}

export interface RefusedRowInput {
  rowNumber: number | null;
  raw: unknown;
  reasonCode: string;
  reasonDetail: string;
}

export async function insertRefusedRows(
  db: Queryable,
  batchId: number,
  sourceId: string,
  rows: readonly RefusedRowInput[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO refused_row (batch_id, source_id, row_number, raw, reason_code, reason_detail)
     SELECT $1, $2, n, r, c, d FROM unnest($3::int[], $4::jsonb[], $5::text[], $6::text[]) AS t(n, r, c, d)`,
    [
      batchId,
      sourceId,
      rows.map((r) => r.rowNumber),
      rows.map((r) => JSON.stringify(r.raw)),
      rows.map((r) => r.reasonCode),
      rows.map((r) => r.reasonDetail),
    ],
  );
}

export async function markSourceSuccess(
  db: Queryable,
  sourceId: string,
  batchId: number,
  newestDataAt: Date | null,
): Promise<void> {
  await db.query(
    `INSERT INTO source_status (source_id, last_success_at, last_data_at, last_batch_id, stale_since)
     VALUES ($1, now(), $3, $2, NULL)
     ON CONFLICT (source_id) DO UPDATE
       SET last_success_at = now(), last_batch_id = $2, stale_since = NULL,
           last_data_at = GREATEST(source_status.last_data_at, EXCLUDED.last_data_at)`,
    [sourceId, batchId, newestDataAt],
  );
}
