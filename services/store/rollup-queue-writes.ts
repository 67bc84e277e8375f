/**
 * Every write that queues (series, metric, day) keys for the rollups, outside the refresh itself (rollups.ts
 * claims and deletes). Ingest reaches these only through the store's measurement writers, in the same
 * statement or transaction as the data, so a key is queued exactly when its data changed.
 *
 * The ON CONFLICT clause exists once, here: it was copied into four statements and one copy lost its guard.
 */

import type { Queryable } from '../db/queryable.js';

/**
 * `INSERT INTO rollup_queue` of the (series_id, metric_id, day) rows `select` yields. A key already queued
 * and not yet claimed needs nothing (rewriting it would only move queued_at and leave a dead row version);
 * a claimed one loses its claim, so the running refresh — which may have read the old data — leaves it for
 * the next one. `select` must not yield a key twice: ON CONFLICT may touch a row once per statement. Keys
 * are written in one order (as measurement-queries.ts does for its rows), so that two writers sharing keys
 * wait for each other instead of deadlocking.
 */
export function queueRollupKeysSql(select: string): string {
  return `INSERT INTO rollup_queue (series_id, metric_id, day)
     SELECT * FROM (${select}) k(series_id, metric_id, day) ORDER BY series_id, metric_id, day
     ON CONFLICT (series_id, metric_id, day) DO UPDATE SET queued_at = now(), claim = NULL, claimed_at = NULL
      WHERE rollup_queue.claim IS NOT NULL`;
}

/**
 * Queues the rollup keys gathered while streaming (ingest/rollup-keys.ts): one run of days per line — series,
 * metric, first and last day separated by \x1f. DISTINCT: runs may overlap.
 */
export async function queueRollupKeyRuns(db: Queryable, runs: string): Promise<void> {
  await db.query(
    queueRollupKeysSql(
      `SELECT DISTINCT r[1], r[2], d::date
         FROM unnest(string_to_array($1, E'\\n')) line,
              LATERAL string_to_array(line, E'\\x1f') r,
              LATERAL generate_series(r[3]::date, r[4]::date, interval '1 day') d`,
    ),
    [runs],
  );
}

/**
 * The rollup keys of the rows a batch inserted, read back when there were too many to gather while streaming.
 * The time range confines the scan to the partitions (chunks) the batch wrote into.
 */
export async function queueRollupKeysOfBatch(
  db: Queryable,
  batchId: number,
  from: Date,
  to: Date,
): Promise<void> {
  await db.query(
    queueRollupKeysSql(
      `SELECT DISTINCT series_id, metric_id, (ts AT TIME ZONE 'Asia/Shanghai')::date
         FROM measurement WHERE batch_id = $1 AND ts >= $2 AND ts <= $3`,
    ),
    [batchId, from, to],
  );
}
