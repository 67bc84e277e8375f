/**
 * Reads of the layer-2 rollups (scope_daily, scope_monthly, scope_daily_aqi). Every reader returns the
 * smallest data_version it saw, so the report can say whether it rests on provisional data.
 */
import type { Queryable } from '../../db/queryable.js';

export interface MonthlyValueRow {
  scope_id: string;
  metric_id: string;
  month: string;
  value: number | null;
  min_version: number;
}

/**
 * scope_monthly rows of the given months; value is NULL when the month is invalid (too few valid days).
 * Scopes are joined from an unnest, not matched with = ANY: at city scale (330 units) the planner hashes
 * the list instead of scanning a 330-element array for every row.
 */
export async function readMonthlyValues(
  db: Queryable,
  scopeIds: readonly string[],
  metricIds: readonly string[],
  months: readonly string[],
): Promise<MonthlyValueRow[]> {
  const { rows } = await db.query<MonthlyValueRow>(
    `SELECT scope_id, metric_id, to_char(month, 'YYYY-MM') AS month, value, min_version
       FROM scope_monthly JOIN unnest($1::text[]) AS s(scope_id) USING (scope_id)
      WHERE metric_id = ANY ($2) AND month = ANY ($3::date[])`,
    [scopeIds, metricIds, months.map((m) => `${m}-01`)],
  );
  return rows;
}

export interface CumulativeRow {
  scope_id: string;
  metric_id: string;
  /** The window's last month; NULL when that month is invalid (too few valid days) or missing. */
  value: number | null;
  /** Mean of the valid daily values over the window (累计浓度); NULL without any. */
  mean: number | null;
  /** The smallest data_version of the window's months. */
  min_version: number;
}

/**
 * Per (unit, metric), the last month's value and the cumulative mean over whole months [fromMonth,
 * toMonth]. A ranking calls it for this year and last year in parallel: at city scale (330 units ×
 * 5 metrics × 12 months a window) this pass is most of the data phase.
 *
 * The mean of the valid daily values (累计浓度) is Σ value·n_valid_days / Σ n_valid_days, a monthly value
 * being exactly the mean of its valid days; a month too thin to have a monthly value (NULL) still
 * contributes its valid days, one row per day from scope_daily (the UNION ALL branch, rarely any rows).
 * Appending them instead of joining them to every month saves a hash probe per row. Both branches are
 * index scans of just the window (migration 0042). `scope_id = ANY ($1)`: PostgreSQL ≥ 14 hashes a long
 * IN list, faster here than joining an unnest.
 */
export async function readCumulativeWindow(
  db: Queryable,
  scopeIds: readonly string[],
  metricIds: readonly string[],
  fromMonth: string,
  toMonth: string,
): Promise<CumulativeRow[]> {
  const { rows } = await db.query<CumulativeRow>(
    `WITH months AS (
       SELECT scope_id, metric_id, month, value, value * n_valid_days AS total,
              CASE WHEN value IS NULL THEN 0 ELSE n_valid_days END AS n, min_version
         FROM scope_monthly
        WHERE scope_id = ANY ($1) AND metric_id = ANY ($2) AND month BETWEEN $3::date AND $4::date
       UNION ALL
       SELECT m.scope_id, m.metric_id, m.month, NULL, d.value, 1, NULL
         FROM scope_monthly m JOIN scope_daily d
           ON d.scope_id = m.scope_id AND d.metric_id = m.metric_id AND d.valid
          AND d.day >= m.month AND d.day < (m.month + INTERVAL '1 month')::date
        WHERE m.scope_id = ANY ($1) AND m.metric_id = ANY ($2) AND m.month BETWEEN $3::date AND $4::date
          AND m.value IS NULL AND m.n_valid_days > 0)
     SELECT scope_id, metric_id, min(value) FILTER (WHERE month = $4::date) AS value,
            sum(total) / nullif(sum(n), 0) AS mean, min(min_version)::int AS min_version
       FROM months GROUP BY 1, 2`,
    [scopeIds, metricIds, `${fromMonth}-01`, `${toMonth}-01`],
  );
  return rows;
}

export interface DailyValueRow {
  day: string;
  value: number | null;
  valid: boolean;
  min_version: number;
}

export async function readDailyValues(
  db: Queryable,
  scopeId: string,
  metricId: string,
  from: string,
  to: string,
): Promise<DailyValueRow[]> {
  const { rows } = await db.query<DailyValueRow>(
    `SELECT day::text AS day, value, valid, min_version
       FROM scope_daily
      WHERE scope_id = $1 AND metric_id = $2 AND day BETWEEN $3::date AND $4::date
      ORDER BY day`,
    [scopeId, metricId, from, to],
  );
  return rows;
}

export interface DailyAqiRow {
  day: string;
  aqi: number;
  level: number;
}

export async function readDailyAqi(
  db: Queryable,
  scopeId: string,
  from: string,
  to: string,
): Promise<DailyAqiRow[]> {
  const { rows } = await db.query<DailyAqiRow>(
    `SELECT day::text AS day, aqi, level FROM scope_daily_aqi
      WHERE scope_id = $1 AND day BETWEEN $2::date AND $3::date ORDER BY day`,
    [scopeId, from, to],
  );
  return rows;
}

/**
 * Shanghai natural days in [from, to] that a sand-dust period for the whole district (or the whole city)
 * overlaps. ends_at is exclusive: a period ending at midnight does not touch the next day.
 */
export async function readSandDustDays(
  db: Queryable,
  districtId: string,
  from: string,
  to: string,
): Promise<Set<string>> {
  const { rows } = await db.query<{ day: string }>(
    `SELECT DISTINCT d::date::text AS day
       FROM sand_dust_period p
      CROSS JOIN LATERAL generate_series(
             greatest(date_trunc('day', p.starts_at AT TIME ZONE 'Asia/Shanghai'), $2::date::timestamp),
             least(date_trunc('day', (p.ends_at AT TIME ZONE 'Asia/Shanghai') - INTERVAL '1 microsecond'),
                   $3::date::timestamp),
             INTERVAL '1 day') AS d
      WHERE (p.district_id = $1 OR p.district_id IS NULL) AND p.area_id IS NULL
        AND p.starts_at < ($3::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
        AND p.ends_at > $2::date::timestamp AT TIME ZONE 'Asia/Shanghai'`,
    [districtId, from, to],
  );
  return new Set(rows.map((r) => r.day));
}
