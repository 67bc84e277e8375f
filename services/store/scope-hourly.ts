/**
 * Station → street/town (or district) hourly means for charts (view scope_hourly, migration 0003): the mean
 * of the scope's series in each hour, invalid-flagged values left out, with how many series it averages.
 */
import type { Queryable } from '../db/queryable.js';

export interface ScopeHour {
  ts: Date;
  value: number;
  nSeries: number;
  minVersion: number;
}

/** Hours in [from, to) (UTC instants), oldest first. */
export async function listScopeHourly(
  db: Queryable,
  q: { scopeId: string; metricId: string; from: Date; to: Date },
): Promise<ScopeHour[]> {
  const { rows } = await db.query<{ ts: Date; value: number; n_series: number; min_version: number }>(
    `SELECT ts, value, n_series, min_version FROM scope_hourly
      WHERE scope_id = $1 AND metric_id = $2 AND ts >= $3 AND ts < $4
      ORDER BY ts`,
    [q.scopeId, q.metricId, q.from, q.to],
  );
  return rows.map((r) => ({ ts: r.ts, value: r.value, nSeries: r.n_series, minVersion: r.min_version }));
}
