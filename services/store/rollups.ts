/**
 * Keeps the derived series current. Ingest queues (series, metric, day) keys in rollup_queue in the same
 * transaction as the data; this module drains the queue:
 *   1. claim a set of keys (committed, so a crash leaves them claimable again after CLAIM_TIMEOUT);
 *   2. refresh layer 1 — refresh_continuous_aggregate under TimescaleDB (it cannot run in a transaction),
 *      envwatch_refresh_series_rollups in plain mode;
 *   3. in one transaction: recompute scope_daily / scope_monthly / scope_daily_aqi for the scopes those
 *      series belong to, queue the touched (scope, metric, day) for evaluation, and delete the claimed keys
 *      that still carry our claim (a key written again meanwhile lost its claim and is processed again).
 * A run that fails releases its claim at once, so the keys do not wait out CLAIM_TIMEOUT; a run chosen as
 * a deadlock victim (another writer of the layer-2 tables or of evaluation_queue) runs step 3 again.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { isPgError, PG } from '../db/pg-errors.js';
import { withTransaction, type Queryable, type TxClient } from '../db/queryable.js';
import { MIN_HOURS_FOR_DAILY_MEAN } from '../standards/validity.js';
import { refreshScopeAqi } from './scope-aqi.js';
import { refreshSeriesRollups } from './series-rollup-refresh.js';
import { readStorageMode, type StorageMode } from './storage-mode.js';
import { refreshWaterClasses } from './water-classes.js';

const CLAIM_TIMEOUT = '10 minutes';
/** Runs of step 3 when PostgreSQL picks it as a deadlock victim (it rolled back; the other side went on). */
const DEADLOCK_ATTEMPTS = 3;

export interface RollupRunResult {
  keys: number;
  scopeDays: number;
  aqiDays: number;
  waterClasses: number;
  evaluationKeys: number;
}

interface ClaimedKey {
  series_id: string;
  metric_id: string;
  day: string;
}

export async function processRollupQueue(
  pool: pg.Pool,
  opts: { limit?: number; mode?: StorageMode } = {},
): Promise<RollupRunResult> {
  const mode = opts.mode ?? (await readStorageMode(pool));
  const token = randomUUID();
  const claimed = await claimKeys(pool, token, opts.limit ?? 200_000);
  if (claimed.length === 0) return { keys: 0, scopeDays: 0, aqiDays: 0, waterClasses: 0, evaluationKeys: 0 };
  try {
    await refreshSeriesRollups(pool, mode, claimed);
    const derived = await retryOnDeadlock(() => withTransaction(pool, (tx) => refreshDerived(tx, token)));
    return { keys: claimed.length, ...derived };
  } catch (err) {
    try {
      await releaseClaims(pool, token);
    } catch (releaseErr) {
      throw new AggregateError(
        [err, releaseErr],
        `rollup refresh failed and its claim could not be released (the keys wait ${CLAIM_TIMEOUT})`,
      );
    }
    throw err;
  }
}

/**
 * Committed at once, so a crash leaves the keys claimable again after CLAIM_TIMEOUT.
 *
 * The picked rows are addressed by ctid (`= ANY(ARRAY(...))`, a TID scan) rather than joined back on the key:
 * a queue table's statistics are whatever ANALYZE last saw — autovacuum's, taken when the queue was empty or
 * all claimed — and with "1 row" there the planner joined the whole queue against the pick row by row. 30,000
 * keys took minutes to claim (a demo month stalled on it); by ctid the statement is linear whatever the
 * statistics say (tests/store/queue-claims-stale-stats.test.ts). The rows are locked by the subquery, so their
 * ctids cannot change before the UPDATE reads them.
 */
async function claimKeys(db: Queryable, token: string, limit: number): Promise<ClaimedKey[]> {
  const { rows } = await db.query<ClaimedKey>(
    `UPDATE rollup_queue q SET claim = $1, claimed_at = now()
      WHERE q.ctid = ANY (ARRAY(
              SELECT ctid FROM rollup_queue
               WHERE claim IS NULL OR claimed_at < now() - $3::interval
               ORDER BY day, series_id, metric_id LIMIT $2 FOR UPDATE SKIP LOCKED))
      RETURNING q.series_id, q.metric_id, q.day::text AS day`,
    [token, limit, CLAIM_TIMEOUT],
  );
  return rows;
}

async function refreshDerived(tx: TxClient, token: string): Promise<Omit<RollupRunResult, 'keys'>> {
  // The planner cannot size the temp tables below and estimates these statements at millions of cost units,
  // which switches on JIT compilation: 1-2 s of compiling measured for statements that run in 20-200 ms.
  await tx.query('SET LOCAL jit = off');
  await tx.query(
    `CREATE TEMP TABLE rollup_keys ON COMMIT DROP AS
       SELECT series_id, metric_id, day FROM rollup_queue WHERE claim = $1`,
    [token],
  );
  const scopeDays = await refreshScopeDaily(tx);
  await refreshScopeMonthly(tx);
  const aqiDays = await refreshScopeAqi(tx);
  const waterClasses = await refreshWaterClasses(tx);
  const evaluationKeys = await queueEvaluations(tx);
  await deleteClaimedKeys(tx, token);
  return { scopeDays, aqiDays, waterClasses, evaluationKeys };
}

/**
 * Deletes the keys still carrying our claim, skipping any a writer holds right now. Ingest re-queues keys
 * (INSERT … ON CONFLICT DO UPDATE, which locks every conflicting row) in whatever order its rows come, within
 * one long statement; a plain DELETE locking our keys one by one — in any order, a fixed one included — could
 * take a key that ingest wants next while waiting for one that ingest holds: a deadlock. With SKIP LOCKED
 * this transaction never waits for a queue row, so no cycle can pass through rollup_queue. A skipped key is
 * one that ingest is re-queuing: its statement clears the claim, so the key is processed again; if ingest
 * rolls back instead, the key keeps our claim and is processed once more after CLAIM_TIMEOUT (harmless).
 */
async function deleteClaimedKeys(tx: Queryable, token: string): Promise<void> {
  await tx.query(
    `DELETE FROM rollup_queue q
      WHERE q.ctid = ANY (ARRAY(
              SELECT ctid FROM rollup_queue WHERE claim = $1
               ORDER BY series_id, metric_id, day FOR UPDATE SKIP LOCKED))`,
    [token],
  );
}

/** Gives the keys back after a failed run (skipping, as above, any that a writer is re-queuing anyway). */
async function releaseClaims(db: Queryable, token: string): Promise<void> {
  await db.query(
    `UPDATE rollup_queue q SET claim = NULL, claimed_at = NULL
      WHERE q.ctid = ANY (ARRAY(
              SELECT ctid FROM rollup_queue WHERE claim = $1
               ORDER BY series_id, metric_id, day FOR UPDATE SKIP LOCKED))`,
    [token],
  );
}

async function retryOnDeadlock<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= DEADLOCK_ATTEMPTS || !isPgError(err, PG.DEADLOCK_DETECTED)) throw err;
    }
  }
}

/**
 * Layer 2, days: a scope's daily value is the mean of the valid daily means of its series (an hourly
 * series is valid for a day with >= 20 hourly values, GB 3095 Table 4). Water parameters are per section
 * and are not averaged into areas.
 */
async function refreshScopeDaily(tx: Queryable): Promise<number> {
  await tx.query(
    `CREATE TEMP TABLE rollup_scope_keys ON COMMIT DROP AS
       SELECT DISTINCT ss.scope_id, k.metric_id, k.day
         FROM rollup_keys k
         JOIN scope_series ss ON ss.series_id = k.series_id
         JOIN metric m ON m.id = k.metric_id AND m.domain <> 'water'`,
  );
  // The series of each touched scope, looked up once (a district has thousands), for index probes below.
  await tx.query(
    `CREATE TEMP TABLE rollup_scope_series ON COMMIT DROP AS
       SELECT scope_id, array_agg(series_id) AS series
         FROM scope_series WHERE scope_id IN (SELECT scope_id FROM rollup_scope_keys)
        GROUP BY scope_id`,
  );
  // Temp tables have no statistics until analysed: unsized, the planner hash-joined measurement_daily to
  // the keys on (metric, day) alone — every station's row of the day for each of 331 scopes, 662,000 rows
  // where 4,000 were wanted — and seq-scanned scope_monthly to delete 331 rows.
  await tx.query('ANALYZE rollup_scope_keys, rollup_scope_series');
  await tx.query(
    `DELETE FROM scope_daily sd USING rollup_scope_keys k
      WHERE sd.scope_id = k.scope_id AND sd.metric_id = k.metric_id AND sd.day = k.day`,
  );
  // Per touched scope day, its series' daily rows by primary key (series, metric, that day's bucket).
  const { rowCount } = await tx.query(
    `INSERT INTO scope_daily (scope_id, metric_id, day, value, n_series, n_valid_series, valid, min_version)
     SELECT k.scope_id, k.metric_id, k.day, a.value, a.n_series, a.n_valid_series, a.n_valid_series > 0,
            a.min_version
       FROM rollup_scope_keys k
       JOIN metric m ON m.id = k.metric_id
       CROSS JOIN LATERAL (SELECT CASE m.resolution WHEN 'hour' THEN $1::int ELSE 1 END AS min_n) v
       JOIN rollup_scope_series ss ON ss.scope_id = k.scope_id
       CROSS JOIN LATERAL (
         SELECT avg(d.mean_value) FILTER (WHERE d.n_values >= v.min_n) AS value,
                count(*)::int AS n_series,
                count(*) FILTER (WHERE d.n_values >= v.min_n)::int AS n_valid_series,
                min(d.min_version) AS min_version
           FROM measurement_daily d
          WHERE d.series_id = ANY (ss.series) AND d.metric_id = k.metric_id
            AND d.bucket = k.day::timestamp AT TIME ZONE 'Asia/Shanghai') a
      WHERE a.n_series > 0`,
    [MIN_HOURS_FOR_DAILY_MEAN],
  );
  return rowCount ?? 0;
}

/**
 * Layer 2, months: hourly metrics need >= 27 valid days (February >= 25) for a valid monthly mean; daily
 * samples (TSP) >= 5 per month; monthly values (dust fall, ranks) are valid as delivered.
 */
async function refreshScopeMonthly(tx: Queryable): Promise<void> {
  await tx.query(
    `CREATE TEMP TABLE rollup_scope_months ON COMMIT DROP AS
       SELECT DISTINCT scope_id, metric_id, date_trunc('month', day)::date AS month FROM rollup_scope_keys`,
  );
  await tx.query('ANALYZE rollup_scope_months');
  await tx.query(
    `DELETE FROM scope_monthly sm USING rollup_scope_months k
      WHERE sm.scope_id = k.scope_id AND sm.metric_id = k.metric_id AND sm.month = k.month`,
  );
  // Per touched month, its days by primary key: a join let the planner hash all of scope_daily instead.
  await tx.query(
    `INSERT INTO scope_monthly (scope_id, metric_id, month, value, n_days, n_valid_days, valid, min_version)
     SELECT k.scope_id, k.metric_id, k.month,
            CASE WHEN a.n_valid_days >= r.min_days THEN a.valid_mean END,
            a.n_days, a.n_valid_days, a.n_valid_days >= r.min_days, a.min_version
       FROM rollup_scope_months k
       JOIN metric m ON m.id = k.metric_id
       CROSS JOIN LATERAL (SELECT CASE
            WHEN m.resolution = 'hour' THEN CASE WHEN extract(month FROM k.month) = 2 THEN 25 ELSE 27 END
            WHEN m.resolution = 'day' THEN 5
            ELSE 1 END AS min_days) r
       CROSS JOIN LATERAL (
         SELECT avg(sd.value) FILTER (WHERE sd.valid) AS valid_mean,
                count(*)::int AS n_days,
                count(*) FILTER (WHERE sd.valid)::int AS n_valid_days,
                min(sd.min_version) AS min_version
           FROM scope_daily sd
          WHERE sd.scope_id = k.scope_id AND sd.metric_id = k.metric_id
            AND sd.day >= k.month AND sd.day < (k.month + INTERVAL '1 month')::date) a
      WHERE a.n_days > 0`,
  );
}

/**
 * What the targets engine must look at again: every touched (scope, metric, day), the AQI of those days, and
 * for water the section itself (scope = the section) with its parameter and its derived class.
 */
async function queueEvaluations(tx: Queryable): Promise<number> {
  const { rowCount } = await tx.query(
    `INSERT INTO evaluation_queue (scope_id, metric_id, day)
     SELECT scope_id, metric_id, day FROM rollup_scope_keys
     UNION SELECT scope_id, 'aqi', day FROM rollup_aqi_days
     UNION SELECT k.series_id, k.metric_id, k.day FROM rollup_keys k JOIN metric m ON m.id = k.metric_id AND m.domain = 'water'
     UNION SELECT k.series_id, 'water_class', k.day FROM rollup_keys k JOIN metric m ON m.id = k.metric_id AND m.domain = 'water'
     ON CONFLICT (scope_id, metric_id, day) DO UPDATE SET queued_at = now()`,
  );
  return rowCount ?? 0;
}
