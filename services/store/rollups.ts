/**
 * Keeps the derived series current. Ingest queues (series, metric, day) keys in rollup_queue in the same
 * transaction as the data; this module drains the queue:
 *   1. claim a set of keys (committed, so a crash leaves them claimable again after CLAIM_TIMEOUT);
 *   2. refresh layer 1 — refresh_continuous_aggregate under TimescaleDB (it cannot run in a transaction),
 *      envwatch_refresh_series_rollups in plain mode;
 *   3. in one transaction: recompute scope_daily / scope_monthly / scope_daily_aqi for the scopes those
 *      series belong to, queue the touched (scope, metric, day) for evaluation, and delete the claimed keys
 *      that still carry our claim (a key written again meanwhile lost its claim and is processed again).
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { withTransaction, type Queryable } from '../db/queryable.js';
import { computeDailyAqi } from '../standards/index.js';
import { MIN_HOURS_FOR_DAILY_MEAN } from '../standards/validity.js';
import { readStorageMode, type StorageMode } from './storage-mode.js';

const CLAIM_TIMEOUT = '10 minutes';
const AQI_METRICS: Record<string, 'pm25' | 'pm10' | 'so2' | 'no2' | 'co' | 'o3_8h'> = {
  pm25: 'pm25',
  pm10: 'pm10',
  so2: 'so2',
  no2: 'no2',
  co: 'co',
  o3_8h: 'o3_8h',
};

export interface RollupRunResult {
  keys: number;
  scopeDays: number;
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
  const { rows: claimed } = await pool.query<ClaimedKey>(
    `UPDATE rollup_queue q SET claim = $1, claimed_at = now()
       FROM (SELECT series_id, metric_id, day FROM rollup_queue
              WHERE claim IS NULL OR claimed_at < now() - $3::interval
              ORDER BY day LIMIT $2 FOR UPDATE SKIP LOCKED) pick
      WHERE q.series_id = pick.series_id AND q.metric_id = pick.metric_id AND q.day = pick.day
      RETURNING q.series_id, q.metric_id, q.day::text AS day`,
    [token, opts.limit ?? 200_000, CLAIM_TIMEOUT],
  );
  if (claimed.length === 0) return { keys: 0, scopeDays: 0, evaluationKeys: 0 };

  await refreshSeriesRollups(pool, mode, claimed);

  return withTransaction(pool, async (tx) => {
    await tx.query(
      `CREATE TEMP TABLE rollup_keys ON COMMIT DROP AS
         SELECT series_id, metric_id, day FROM rollup_queue WHERE claim = $1`,
      [token],
    );
    const scopeDays = await refreshScopeDaily(tx);
    await refreshScopeMonthly(tx);
    await refreshScopeAqi(tx);
    const { rowCount: evaluationKeys } = await tx.query(
      `INSERT INTO evaluation_queue (scope_id, metric_id, day)
       SELECT scope_id, metric_id, day FROM rollup_scope_keys
       ON CONFLICT (scope_id, metric_id, day) DO UPDATE SET queued_at = now()`,
    );
    await tx.query('DELETE FROM rollup_queue WHERE claim = $1', [token]);
    return { keys: claimed.length, scopeDays, evaluationKeys: evaluationKeys ?? 0 };
  });
}

/** Layer 1: per-series daily and monthly rollups for the claimed keys. */
async function refreshSeriesRollups(pool: pg.Pool, mode: StorageMode, keys: ClaimedKey[]): Promise<void> {
  let from = keys[0]!.day;
  let to = keys[0]!.day;
  for (const k of keys) {
    if (k.day < from) from = k.day;
    if (k.day > to) to = k.day;
  }
  if (mode === 'timescale') {
    // Windows are whole Shanghai days (monthly: whole months) so each refreshed bucket is complete.
    await pool.query(
      `CALL refresh_continuous_aggregate('measurement_daily',
         $1::date::timestamp AT TIME ZONE 'Asia/Shanghai', ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`,
      [from, to],
    );
    await pool.query(
      `CALL refresh_continuous_aggregate('measurement_monthly',
         date_trunc('month', $1::date::timestamp) AT TIME ZONE 'Asia/Shanghai',
         (date_trunc('month', $2::date::timestamp) + INTERVAL '1 month') AT TIME ZONE 'Asia/Shanghai')`,
      [from, to],
    );
    return;
  }
  const series = [...new Set(keys.map((k) => k.series_id))];
  const metrics = [...new Set(keys.map((k) => k.metric_id))];
  await pool.query('SELECT envwatch_refresh_series_rollups($1, $2, $3, $4)', [series, metrics, from, to]);
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
  await tx.query(
    `DELETE FROM scope_daily sd USING rollup_scope_keys k
      WHERE sd.scope_id = k.scope_id AND sd.metric_id = k.metric_id AND sd.day = k.day`,
  );
  const { rowCount } = await tx.query(
    `INSERT INTO scope_daily (scope_id, metric_id, day, value, n_series, n_valid_series, valid, min_version)
     SELECT k.scope_id, k.metric_id, k.day,
            avg(d.mean_value) FILTER (WHERE d.n_values >= v.min_n),
            count(*)::int,
            count(*) FILTER (WHERE d.n_values >= v.min_n)::int,
            count(*) FILTER (WHERE d.n_values >= v.min_n) > 0,
            min(d.min_version)
       FROM rollup_scope_keys k
       JOIN metric m ON m.id = k.metric_id
       CROSS JOIN LATERAL (SELECT CASE m.resolution WHEN 'hour' THEN $1::int ELSE 1 END AS min_n) v
       JOIN scope_series ss ON ss.scope_id = k.scope_id
       JOIN measurement_daily d
         ON d.series_id = ss.series_id AND d.metric_id = k.metric_id
        AND d.bucket = k.day::timestamp AT TIME ZONE 'Asia/Shanghai'
      GROUP BY k.scope_id, k.metric_id, k.day`,
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
  await tx.query(
    `DELETE FROM scope_monthly sm USING rollup_scope_months k
      WHERE sm.scope_id = k.scope_id AND sm.metric_id = k.metric_id AND sm.month = k.month`,
  );
  await tx.query(
    `INSERT INTO scope_monthly (scope_id, metric_id, month, value, n_days, n_valid_days, valid, min_version)
     SELECT k.scope_id, k.metric_id, k.month,
            CASE WHEN count(*) FILTER (WHERE sd.valid) >= r.min_days THEN avg(sd.value) FILTER (WHERE sd.valid) END,
            count(*)::int,
            count(*) FILTER (WHERE sd.valid)::int,
            count(*) FILTER (WHERE sd.valid) >= r.min_days,
            min(sd.min_version)
       FROM rollup_scope_months k
       JOIN metric m ON m.id = k.metric_id
       CROSS JOIN LATERAL (SELECT CASE
            WHEN m.resolution = 'hour' THEN CASE WHEN extract(month FROM k.month) = 2 THEN 25 ELSE 27 END
            WHEN m.resolution = 'day' THEN 5
            ELSE 1 END AS min_days) r
       JOIN scope_daily sd ON sd.scope_id = k.scope_id AND sd.metric_id = k.metric_id
        AND sd.day >= k.month AND sd.day < (k.month + INTERVAL '1 month')::date
      GROUP BY k.scope_id, k.metric_id, k.month, r.min_days`,
  );
}

/** Daily AQI of each touched scope day, with the HJ 633 version in force that day. */
async function refreshScopeAqi(tx: Queryable): Promise<void> {
  const { rows } = await tx.query<{ scope_id: string; day: string; metric_id: string; value: number }>(
    `SELECT sd.scope_id, sd.day::text AS day, sd.metric_id, sd.value
       FROM (SELECT DISTINCT scope_id, day FROM rollup_scope_keys WHERE metric_id = ANY ($1)) k
       JOIN scope_daily sd ON sd.scope_id = k.scope_id AND sd.day = k.day
      WHERE sd.metric_id = ANY ($1) AND sd.valid`,
    [Object.keys(AQI_METRICS)],
  );
  const byScopeDay = new Map<string, { scopeId: string; day: string; conc: Record<string, number> }>();
  for (const r of rows) {
    const key = `${r.scope_id}|${r.day}`;
    const entry = byScopeDay.get(key) ?? { scopeId: r.scope_id, day: r.day, conc: {} };
    entry.conc[AQI_METRICS[r.metric_id]!] = r.value;
    byScopeDay.set(key, entry);
  }
  const out = { scope: [] as string[], day: [] as string[], aqi: [] as number[], level: [] as number[] };
  const primaries: string[] = [];
  const standards: string[] = [];
  for (const { scopeId, day, conc } of byScopeDay.values()) {
    const result = computeDailyAqi(day, conc);
    if (!result) continue;
    out.scope.push(scopeId);
    out.day.push(day);
    out.aqi.push(result.aqi);
    out.level.push(result.level);
    primaries.push(result.primaryPollutants.join(','));
    standards.push(result.version);
  }
  await tx.query(
    `DELETE FROM scope_daily_aqi a
       USING (SELECT DISTINCT scope_id, day FROM rollup_scope_keys WHERE metric_id = ANY ($1)) k
      WHERE a.scope_id = k.scope_id AND a.day = k.day`,
    [Object.keys(AQI_METRICS)],
  );
  if (out.scope.length === 0) return;
  await tx.query(
    `INSERT INTO scope_daily_aqi (scope_id, day, aqi, level, primary_pollutants, standard)
     SELECT s, d, a, l, coalesce(string_to_array(nullif(p, ''), ','), '{}'), st
       FROM unnest($1::text[], $2::date[], $3::int[], $4::smallint[], $5::text[], $6::text[]) AS t(s, d, a, l, p, st)`,
    [out.scope, out.day, out.aqi, out.level, primaries, standards],
  );
}
