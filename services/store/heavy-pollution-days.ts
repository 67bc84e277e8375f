/**
 * Heavy-pollution days (重污染天数) of a scope over a range of Shanghai days: days whose daily AQI is above 200
 * (重度污染 starts at 201, HJ 633; standards.md §4), counted with and without the days a sand-dust period
 * overlaps (扣除沙尘影响, 002:2392-2393; standards.md §5). A period applies to a street/town when it names
 * that street/town, its district or the whole city; to a district when it names the district or the whole
 * city (a period for one street/town does not take the day out of the district's count).
 */
import type { Queryable } from '../db/queryable.js';

export const HEAVY_POLLUTION_AQI = 200;

export interface HeavyPollutionDay {
  day: string;
  aqi: number;
  level: number;
  standard: string;
  primaryPollutants: string[];
  /** The day overlaps a sand-dust period that applies to the scope. */
  sandDust: boolean;
}

export interface HeavyPollutionDays {
  scopeId: string;
  from: string;
  to: string;
  /** Days in range with a daily AQI (days without one are insufficient data, not clean days). */
  daysWithAqi: number;
  /** Days in range that a sand-dust period overlaps. */
  sandDustDays: number;
  /** Heavy days, sand-dust days included. */
  count: number;
  /** Heavy days outside sand-dust periods (扣除沙尘影响). */
  countExcludingSandDust: number;
  days: HeavyPollutionDay[];
}

/** The Shanghai days in [from, to] that a sand-dust period applying to the scope overlaps. */
export async function listSandDustDays(
  db: Queryable,
  scopeId: string,
  from: string,
  to: string,
): Promise<string[]> {
  const { rows } = await db.query<{ day: string }>(
    `WITH scope AS (
       SELECT a.id AS area_id, a.district_id FROM area a WHERE a.id = $1
       UNION ALL SELECT NULL, d.id FROM district d WHERE d.id = $1
     )
     SELECT DISTINCT d::date::text AS day
       FROM scope s
       JOIN sand_dust_period p
         ON (p.district_id IS NULL AND p.area_id IS NULL)
         OR (p.area_id IS NULL AND p.district_id = s.district_id)
         OR (s.area_id IS NOT NULL AND p.area_id = s.area_id)
       CROSS JOIN generate_series((p.starts_at AT TIME ZONE 'Asia/Shanghai')::date,
                                  ((p.ends_at - INTERVAL '1 microsecond') AT TIME ZONE 'Asia/Shanghai')::date,
                                  INTERVAL '1 day') AS d
      WHERE d::date BETWEEN $2::date AND $3::date
      ORDER BY 1`,
    [scopeId, from, to],
  );
  return rows.map((r) => r.day);
}

export async function countHeavyPollutionDays(
  db: Queryable,
  q: { scopeId: string; from: string; to: string },
): Promise<HeavyPollutionDays> {
  const sandDust = new Set(await listSandDustDays(db, q.scopeId, q.from, q.to));
  const { rows } = await db.query<{
    day: string;
    aqi: number;
    level: number;
    standard: string;
    primary_pollutants: string[];
  }>(
    `SELECT day::text AS day, aqi, level, standard, primary_pollutants
       FROM scope_daily_aqi
      WHERE scope_id = $1 AND day BETWEEN $2::date AND $3::date
      ORDER BY day`,
    [q.scopeId, q.from, q.to],
  );
  const heavy = rows
    .filter((r) => r.aqi > HEAVY_POLLUTION_AQI)
    .map((r) => ({
      day: r.day,
      aqi: r.aqi,
      level: r.level,
      standard: r.standard,
      primaryPollutants: r.primary_pollutants,
      sandDust: sandDust.has(r.day),
    }));
  return {
    scopeId: q.scopeId,
    from: q.from,
    to: q.to,
    daysWithAqi: rows.length,
    sandDustDays: sandDust.size,
    count: heavy.length,
    countExcludingSandDust: heavy.filter((d) => !d.sandDust).length,
    days: heavy,
  };
}
