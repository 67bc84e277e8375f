/**
 * Reading the measurement store at the resolution asked for (architecture.md, "The measurement store"):
 *   hour  → raw `measurement` rows of one series (value, flags, data version as stored);
 *   day   → `measurement_daily` for a series, `scope_daily` for a street/town or district scope;
 *   month → `measurement_monthly` for a series, `scope_monthly` for a scope.
 * Days and months are Asia/Shanghai natural periods; the range is given as Shanghai days, both included.
 */
import type { Queryable } from '../../db/queryable.js';
import { MIN_HOURS_FOR_DAILY_MEAN } from '../../standards/validity.js';

export type DataVersionLabel = 'provisional' | 'audited';

export interface Point {
  /** ISO instant for hours; YYYY-MM-DD for days; YYYY-MM for months. */
  t: string;
  value: number | null;
  valid: boolean;
  dataVersion: DataVersionLabel;
  flags: string[];
  /** Values behind an aggregate: hours in a day, days in a month, series in a scope. */
  n: number | null;
}

const version = (v: number): DataVersionLabel => (v >= 1 ? 'audited' : 'provisional');
const SHANGHAI_DAY_START = `($1::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`;

export async function readSeriesHours(
  db: Queryable,
  q: { seriesId: string; metricId: string; from: string; to: string; limit: number },
): Promise<Point[]> {
  const { rows } = await db.query<{ ts: Date; value: number; flags: string[]; data_version: number }>(
    `SELECT ts, value, flags, data_version FROM measurement
      WHERE series_id = $3 AND metric_id = $4
        AND ts >= ${SHANGHAI_DAY_START} AND ts < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
      ORDER BY ts LIMIT $5`,
    [q.from, q.to, q.seriesId, q.metricId, q.limit],
  );
  return rows.map((r) => ({
    t: r.ts.toISOString(),
    value: r.value,
    valid: true,
    dataVersion: version(r.data_version),
    flags: r.flags,
    n: 1,
  }));
}

/** Daily means of one series; for hourly metrics a day with fewer than 20 hours is not a valid daily mean (GB 3095 Table 4). */
export async function readSeriesDays(
  db: Queryable,
  q: { seriesId: string; metricId: string; from: string; to: string; hourly: boolean },
): Promise<Point[]> {
  const { rows } = await db.query<{ day: string; mean_value: number; n_values: number; min_version: number }>(
    `SELECT to_char(bucket AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, mean_value, n_values, min_version
       FROM measurement_daily
      WHERE series_id = $3 AND metric_id = $4
        AND bucket >= ${SHANGHAI_DAY_START} AND bucket < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
      ORDER BY bucket`,
    [q.from, q.to, q.seriesId, q.metricId],
  );
  return rows.map((r) => {
    const valid = !q.hourly || r.n_values >= MIN_HOURS_FOR_DAILY_MEAN;
    return {
      t: r.day,
      value: r.mean_value,
      valid,
      dataVersion: version(r.min_version),
      flags: valid ? [] : ['insufficient_hours'],
      n: r.n_values,
    };
  });
}

export async function readSeriesMonths(
  db: Queryable,
  q: { seriesId: string; metricId: string; from: string; to: string; hourly: boolean },
): Promise<Point[]> {
  const { rows } = await db.query<{
    month: string;
    mean_of_20h_days: number | null;
    sum_value: number;
    n_values: number;
    n_days: number;
    n_days_20h: number;
    min_version: number;
  }>(
    `SELECT to_char(bucket AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, mean_of_20h_days, sum_value, n_values,
            n_days, n_days_20h, min_version
       FROM measurement_monthly
      WHERE series_id = $3 AND metric_id = $4
        AND bucket >= date_trunc('month', ${SHANGHAI_DAY_START}, 'Asia/Shanghai')
        AND bucket < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
      ORDER BY bucket`,
    [q.from, q.to, q.seriesId, q.metricId],
  );
  return rows.map((r) => {
    // Hourly metrics: the month's value is the mean of its valid days; monthly/daily samples: the mean value.
    const value = q.hourly ? r.mean_of_20h_days : r.n_values > 0 ? r.sum_value / r.n_values : null;
    const valid = value !== null;
    return {
      t: r.month,
      value,
      valid,
      dataVersion: version(r.min_version),
      flags: valid ? [] : ['no_valid_day'],
      n: q.hourly ? r.n_days_20h : r.n_values,
    };
  });
}

type ScopeQuery = { scopeId: string; metricId: string; from: string; to: string };

/**
 * The scope rollups as chart points: each one's SELECT names its bucket `t` and its count `n` (valid series
 * of a day, valid days of a month), and says why a point that is not valid is so.
 */
const SCOPE_SERIES = {
  day: {
    sql: `SELECT day::text AS t, value, valid, min_version, n_valid_series AS n FROM scope_daily
      WHERE scope_id = $3 AND metric_id = $4 AND day BETWEEN $1::date AND $2::date ORDER BY day`,
    invalidFlag: 'invalid',
  },
  month: {
    sql: `SELECT to_char(month, 'YYYY-MM') AS t, value, valid, min_version, n_valid_days AS n FROM scope_monthly
      WHERE scope_id = $3 AND metric_id = $4 AND month BETWEEN date_trunc('month', $1::date)::date AND $2::date
      ORDER BY month`,
    invalidFlag: 'insufficient_days',
  },
};

async function readScopeSeries(
  db: Queryable,
  q: ScopeQuery,
  bucket: keyof typeof SCOPE_SERIES,
): Promise<Point[]> {
  const { sql, invalidFlag } = SCOPE_SERIES[bucket];
  const { rows } = await db.query<{
    t: string;
    value: number | null;
    valid: boolean;
    min_version: number;
    n: number;
  }>(sql, [q.from, q.to, q.scopeId, q.metricId]);
  return rows.map((r) => ({
    t: r.t,
    value: r.value,
    valid: r.valid,
    dataVersion: version(r.min_version),
    flags: r.valid ? [] : [invalidFlag],
    n: r.n,
  }));
}

export const readScopeDays = (db: Queryable, q: ScopeQuery) => readScopeSeries(db, q, 'day');
export const readScopeMonths = (db: Queryable, q: ScopeQuery) => readScopeSeries(db, q, 'month');
