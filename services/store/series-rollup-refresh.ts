/**
 * Layer-1 refresh (per-series daily and monthly rollups) for a set of claimed (series, metric, day) keys.
 *
 * Under TimescaleDB, refreshes run once per run of consecutive claimed days (and months), so a late day from
 * last year plus today do not recompute every day in between.
 *
 * TimescaleDB: `refresh_continuous_aggregate(..., force => true)` over whole Shanghai days/months. Forced,
 * because TimescaleDB (seen on 2.27.1–2.29.2) drops the last bucket of an invalidation range that ends
 * exactly on a bucket boundary (Shanghai midnight; the 1st of a month one level up) and then forgets the
 * invalidation, leaving that day stale for good (timescale/timescaledb#10296). We know exactly which days
 * changed, so recomputing them is both correct and cheap. Refreshes are serialised with an advisory lock:
 * TimescaleDB refuses overlapping concurrent refreshes (SQLSTATE 55P03).
 *
 * Plain PostgreSQL: envwatch_refresh_series_rollup_keys (migration 0126) recomputes exactly the claimed keys
 * and the months they fall in.
 *
 * Both modes then analyse the partitions the refresh covered that were never analysed (rollup-statistics.ts),
 * before layer 2 reads them.
 */
import type pg from 'pg';
import { withClient } from '../db/queryable.js';
import { addDays, addMonths } from '../time/shanghai.js';
import { analyzeNewRollupPartitions } from './rollup-statistics.js';
import type { StorageMode } from './storage-mode.js';

// Shared by every envwatch process: the key of the continuous-aggregate refresh lock.
const CAGG_REFRESH_LOCK = 727_465_002;

export interface RollupKey {
  series_id: string;
  metric_id: string;
  day: string;
}

/** [first, last] of each run of consecutive values in a sorted list. */
export function consecutiveRuns(sorted: readonly string[], next: (v: string) => string): [string, string][] {
  const runs: [string, string][] = [];
  for (const v of sorted) {
    const last = runs.at(-1);
    if (last && next(last[1]) === v) last[1] = v;
    else runs.push([v, v]);
  }
  return runs;
}

export async function refreshSeriesRollups(
  pool: pg.Pool,
  mode: StorageMode,
  keys: readonly RollupKey[],
): Promise<void> {
  const days = [...new Set(keys.map((k) => k.day))].sort();
  const dayRuns = consecutiveRuns(days, (d) => addDays(d, 1));
  const months = [...new Set(days.map((d) => d.slice(0, 7)))].sort();
  const monthRuns = consecutiveRuns(months, (m) => addMonths(m, 1));
  if (mode === 'timescale') {
    await withClient(pool, async (client) => {
      await client.query('SELECT pg_advisory_lock($1)', [CAGG_REFRESH_LOCK]);
      try {
        for (const [from, to] of dayRuns) {
          await client.query(
            `CALL refresh_continuous_aggregate('measurement_daily',
               $1::date::timestamp AT TIME ZONE 'Asia/Shanghai', ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai',
               force => true)`,
            [from, to],
          );
        }
        for (const [from, to] of monthRuns) {
          await client.query(
            `CALL refresh_continuous_aggregate('measurement_monthly',
               ($1 || '-01')::date::timestamp AT TIME ZONE 'Asia/Shanghai',
               (($2 || '-01')::date + INTERVAL '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai',
               force => true)`,
            [from, to],
          );
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [CAGG_REFRESH_LOCK]);
      }
    });
  } else {
    // One statement for every claimed key, each recomputed from its own rows (migration 0126): a city's new
    // day is 2,000 keys, which per-run cross products of series × metrics × days would widen for nothing.
    await pool.query('SELECT envwatch_refresh_series_rollup_keys($1, $2, $3)', [
      keys.map((k) => k.series_id),
      keys.map((k) => k.metric_id),
      keys.map((k) => k.day),
    ]);
  }
  // Before layer 2 reads what was just written: a partition never analysed plans with default selectivities.
  await analyzeNewRollupPartitions(pool, mode, { days: dayRuns, months: monthRuns });
}
