/** Ingest batches and source status: one named function per statement. */
import { oneOrNull, type Queryable } from '../db/queryable.js';
import type { RecordKindId } from './record-kind.js';

export interface BatchCounts {
  received: number;
  inserted: number;
  updated: number;
  unchanged: number;
  refused: number;
}

export interface OpenBatchInput {
  sourceId: string;
  adapter: string;
  recordKind?: RecordKindId;
  origin?: string | null;
  tick?: string | null;
  clientRef?: string | null;
}

export async function openBatch(db: Queryable, b: OpenBatchInput): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO ingest_batch (source_id, adapter, record_kind, origin, tick, client_ref)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      b.sourceId,
      b.adapter,
      b.recordKind ?? 'measurement',
      b.origin ?? null,
      b.tick ?? null,
      b.clientRef ?? null,
    ],
  );
  return rows[0]!.id;
}

export async function finishBatch(
  db: Queryable,
  batchId: number,
  counts: BatchCounts,
  newestDataAt: Date | null = null,
): Promise<void> {
  await db.query(
    `UPDATE ingest_batch
        SET status = 'done', received = $2, inserted = $3, updated = $4, unchanged = $5, refused = $6,
            newest_data_at = $7, finished_at = now()
      WHERE id = $1`,
    [
      batchId,
      counts.received,
      counts.inserted,
      counts.updated,
      counts.unchanged,
      counts.refused,
      newestDataAt,
    ],
  );
}

/** A batch that stopped half-way keeps the counts of what it committed, for the person looking into it. */
export async function failBatch(
  db: Queryable,
  batchId: number,
  error: string,
  counts?: BatchCounts,
): Promise<void> {
  await db.query(
    `UPDATE ingest_batch
        SET status = 'failed', error = $2, finished_at = now(),
            received = coalesce($3, received), inserted = coalesce($4, inserted), updated = coalesce($5, updated),
            unchanged = coalesce($6, unchanged), refused = coalesce($7, refused)
      WHERE id = $1`,
    [batchId, error, counts?.received, counts?.inserted, counts?.updated, counts?.unchanged, counts?.refused],
  );
}

/** Fails a batch only if it is still running: its worker died, and a finished batch keeps its outcome. */
export async function failRunningBatch(db: Queryable, batchId: number, error: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE ingest_batch SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status = 'running'`,
    [batchId, error],
  );
  return (rowCount ?? 0) > 0;
}

/** Fails the batches still running for one file of a source, opened no later than `openedBy`. */
export async function failRunningBatchesOfFile(
  db: Queryable,
  sourceId: string,
  origin: string,
  openedBy: Date,
  error: string,
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE ingest_batch SET status = 'failed', error = $4, finished_at = now()
      WHERE source_id = $1 AND origin = $2 AND status = 'running' AND started_at <= $3`,
    [sourceId, origin, openedBy, error],
  );
  return rowCount ?? 0;
}

export interface BatchRow extends BatchCounts {
  id: number;
  source_id: string;
  adapter: string;
  record_kind: RecordKindId;
  origin: string | null;
  client_ref: string | null;
  status: 'running' | 'done' | 'failed';
  newest_data_at: Date | null;
  error: string | null;
}

export function findBatch(db: Queryable, batchId: number): Promise<BatchRow | null> {
  return oneOrNull<BatchRow>(
    db,
    `SELECT id, source_id, adapter, record_kind, origin, client_ref, status, received, inserted, updated,
            unchanged, refused, newest_data_at, error
       FROM ingest_batch WHERE id = $1`,
    [batchId],
  );
}

export async function findBatchByClientRef(
  db: Queryable,
  sourceId: string,
  clientRef: string,
): Promise<BatchRow | null> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id FROM ingest_batch WHERE source_id = $1 AND client_ref = $2`,
    [sourceId, clientRef],
  );
  return rows[0] ? findBatch(db, rows[0].id) : null;
}

/**
 * A pushed batch's reference is held by a session advisory lock of the connection pushing it, for as long as
 * that push lives: the server drops the lock when the session ends, however it ends (kill -9, lost network).
 * So a 'running' batch whose lock can be taken has no living owner. False: another push holds it now.
 */
export async function tryLockClientRef(db: Queryable, sourceId: string, clientRef: string): Promise<boolean> {
  const { rows } = await db.query<{ locked: boolean }>(
    `SELECT pg_try_advisory_lock(hashtext('envwatch.batch_ref'), hashtext($1 || E'\\n' || $2)) AS locked`,
    [sourceId, clientRef],
  );
  return rows[0]!.locked;
}

export async function unlockClientRef(db: Queryable, sourceId: string, clientRef: string): Promise<void> {
  await db.query(`SELECT pg_advisory_unlock(hashtext('envwatch.batch_ref'), hashtext($1 || E'\\n' || $2))`, [
    sourceId,
    clientRef,
  ]);
}

/** A failed batch that carried a client reference gives the reference up, so the client can retry it. */
export async function releaseClientRef(db: Queryable, batchId: number): Promise<void> {
  await db.query(`UPDATE ingest_batch SET client_ref = NULL WHERE id = $1 AND status = 'failed'`, [batchId]);
}

/**
 * Records a successful batch. The newest data time only moves forward (a late hour does not make a source
 * look older). Staleness is cleared separately, and only when the data caught up (freshness.ts).
 */
export async function markSourceSuccess(
  db: Queryable,
  sourceId: string,
  batchId: number,
  newestDataAt: Date | null,
  at: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO source_status (source_id, watching_since, last_success_at, last_data_at, last_batch_id)
     VALUES ($1, $4, $4, $3, $2)
     ON CONFLICT (source_id) DO UPDATE
       SET last_success_at = $4, last_batch_id = $2,
           last_data_at = GREATEST(source_status.last_data_at, EXCLUDED.last_data_at)`,
    [sourceId, batchId, newestDataAt, at],
  );
}

/** finishBatch and markSourceSuccess in one round trip (the steady path ends every batch with both). */
export async function finishBatchAndMarkSource(
  db: Queryable,
  b: { batchId: number; sourceId: string; counts: BatchCounts; newestDataAt: Date | null; at: Date },
): Promise<void> {
  const c = b.counts;
  await db.query(
    `WITH finished AS (
       UPDATE ingest_batch
          SET status = 'done', received = $3, inserted = $4, updated = $5, unchanged = $6, refused = $7,
              newest_data_at = $8, finished_at = now()
        WHERE id = $1
       RETURNING id
     )
     INSERT INTO source_status (source_id, watching_since, last_success_at, last_data_at, last_batch_id)
     SELECT $2, $9, $9, $8, id FROM finished
     ON CONFLICT (source_id) DO UPDATE
       SET last_success_at = $9, last_batch_id = EXCLUDED.last_batch_id,
           last_data_at = GREATEST(source_status.last_data_at, EXCLUDED.last_data_at)`,
    [b.batchId, b.sourceId, c.received, c.inserted, c.updated, c.unchanged, c.refused, b.newestDataAt, b.at],
  );
}

export async function markSourceFailure(
  db: Queryable,
  sourceId: string,
  error: string,
  at: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO source_status (source_id, watching_since, last_error, last_error_at) VALUES ($1, $3, $2, $3)
     ON CONFLICT (source_id) DO UPDATE SET last_error = $2, last_error_at = $3`,
    [sourceId, error.slice(0, 2000), at],
  );
}
