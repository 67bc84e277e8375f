/**
 * The overview reads layer-2 rollups only (scope_daily, scope_daily_aqi) and the evaluation/alert state
 * tables, never raw measurements, so a year of district data costs a few index range scans per request.
 */
import type { Queryable } from '../../db/queryable.js';

export interface ScopeYtd {
  scope_id: string;
  ytd: number | null;
  valid_days: number;
  prev_ytd: number | null;
  prev_valid_days: number;
  min_version: number | null;
  last_day: string | null;
}

/**
 * 累计浓度: the mean of the valid daily values from the first day of the range (002:2391), for this year's
 * range and the same range a year earlier (同比, 002:2399) in one scan.
 */
export async function readCumulativeMeans(
  db: Queryable,
  q: {
    scopeIds: readonly string[];
    metricId: string;
    from: string;
    to: string;
    prevFrom: string;
    prevTo: string;
  },
): Promise<Map<string, ScopeYtd>> {
  const { rows } = await db.query<ScopeYtd>(
    `SELECT scope_id,
            avg(value) FILTER (WHERE valid AND day >= $3::date)                  AS ytd,
            count(*) FILTER (WHERE valid AND day >= $3::date)::int               AS valid_days,
            avg(value) FILTER (WHERE valid AND day <= $6::date)                  AS prev_ytd,
            count(*) FILTER (WHERE valid AND day <= $6::date)::int               AS prev_valid_days,
            min(min_version) FILTER (WHERE valid AND day >= $3::date)::int       AS min_version,
            max(day) FILTER (WHERE valid AND day >= $3::date)::text              AS last_day
       FROM scope_daily
      WHERE metric_id = $2 AND scope_id = ANY ($1)
        AND (day BETWEEN $3::date AND $4::date OR day BETWEEN $5::date AND $6::date)
      GROUP BY scope_id`,
    [q.scopeIds, q.metricId, q.from, q.to, q.prevFrom, q.prevTo],
  );
  return new Map(rows.map((r) => [r.scope_id, r]));
}

export interface HeavyDays {
  days: string[];
  /** Days overlapped by a sand-dust period of the district (扣除沙尘影响, 002:2392). */
  sand_dust_days: string[];
}

/** Heavy-pollution days: AQI above 200 (HJ 633 level 5 重度污染 and 6 严重污染). */
export async function readHeavyPollutionDays(
  db: Queryable,
  q: { scopeId: string; districtId: string; from: string; to: string },
): Promise<HeavyDays> {
  const { rows } = await db.query<{ day: string; sand_dust: boolean }>(
    `SELECT a.day::text AS day,
            EXISTS (SELECT 1 FROM sand_dust_period s
                     WHERE (s.district_id IS NULL OR s.district_id = $2) AND s.area_id IS NULL
                       AND s.starts_at < ((a.day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
                       AND s.ends_at > (a.day::timestamp AT TIME ZONE 'Asia/Shanghai')) AS sand_dust
       FROM scope_daily_aqi a
      WHERE a.scope_id = $1 AND a.day BETWEEN $3::date AND $4::date AND a.level >= 5
      ORDER BY a.day`,
    [q.scopeId, q.districtId, q.from, q.to],
  );
  return { days: rows.map((r) => r.day), sand_dust_days: rows.filter((r) => r.sand_dust).map((r) => r.day) };
}

export interface StatusSummary {
  scope_id: string;
  breached: number;
  at_risk: number;
  insufficient_data: number;
  met: number;
}

/**
 * Per scope, the statuses of every period of the year of each target: a monthly target counts each of its
 * months, so a breach in May still counts in the year's totals after June is met (issue #19).
 */
export async function readStatusSummaries(
  db: Queryable,
  q: { scopeIds: readonly string[]; year: number },
): Promise<Map<string, StatusSummary>> {
  const { rows } = await db.query<StatusSummary>(
    `SELECT scope_id,
            count(*) FILTER (WHERE status = 'breached')::int          AS breached,
            count(*) FILTER (WHERE status = 'at_risk')::int           AS at_risk,
            count(*) FILTER (WHERE status = 'insufficient_data')::int AS insufficient_data,
            count(*) FILTER (WHERE status = 'met')::int               AS met
       FROM evaluation_current
      WHERE scope_id = ANY ($1) AND (period_key = $2 OR period_key LIKE $2 || '-%')
      GROUP BY scope_id`,
    [q.scopeIds, String(q.year)],
  );
  return new Map(rows.map((r) => [r.scope_id, r]));
}

export async function readOpenAlertCounts(
  db: Queryable,
  scopeIds: readonly string[],
): Promise<Map<string, number>> {
  const { rows } = await db.query<{ scope_id: string; n: number }>(
    `SELECT scope_id, count(*)::int AS n FROM alert
      WHERE state IN ('firing', 'acknowledged') AND scope_id = ANY ($1) GROUP BY scope_id`,
    [scopeIds],
  );
  return new Map(rows.map((r) => [r.scope_id, r.n]));
}
