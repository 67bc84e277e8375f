/**
 * City-wide (全市) monthly ranks of our streets/towns as the city publishes them (standards.md §8): rank 1 =
 * best, with the number of units ranked that the bottom-10/30 flags need (后10名 = the ten largest ranks).
 *
 * Two delivery paths exist and both are read, as the targets engine does (services/rules/inputs/rank-months.ts):
 * the `city_ranking` table (migration 0010; metric = the ranked quantity, e.g. pm25, with n_ranked) and the
 * measurement mirror (metric city_rank_<x>, series = the area, flag `ranked:<N>`); the table wins for a month
 * both carry. Published rankings are the city's final word and count as audited data.
 */
import type { Queryable } from '../../db/queryable.js';

export interface CityRankRow {
  area_id: string;
  /** The ranked quantity (pm25, tsp, …), not the rank metric. */
  metric_id: string;
  rank: number;
  n_ranked: number | null;
  data_version: number;
}

/** city_rank_pm25 → pm25; the bare-land rank is named after its short form (metrics.yaml). */
export function cityRankMetricOf(metricId: string): string {
  return `city_rank_${metricId === 'uncontrolled_bare_land_area' ? 'bare_land' : metricId}`;
}

const RANKED_FLAG = /^ranked[:=](\d+)$/;

export function parseRankedCount(flags: readonly string[]): number | null {
  for (const f of flags) {
    const m = RANKED_FLAG.exec(f.trim());
    if (m) return Number(m[1]);
  }
  return null;
}

async function readRankTable(
  db: Queryable,
  areaIds: readonly string[],
  metricIds: readonly string[],
  monthStart: string,
): Promise<CityRankRow[]> {
  const { rows } = await db.query<{ area_id: string; metric_id: string; rank: number; n_ranked: number }>(
    `SELECT area_id, metric_id, rank, n_ranked FROM city_ranking JOIN unnest($1::text[]) AS a(area_id) USING (area_id)
      WHERE metric_id = ANY ($2) AND period_kind = 'month' AND period_start = $3::date`,
    [areaIds, metricIds, monthStart],
  );
  return rows.map((r) => ({ ...r, data_version: 1 }));
}

async function readRankMeasurements(
  db: Queryable,
  areaIds: readonly string[],
  metricIds: readonly string[],
  monthStart: string,
): Promise<CityRankRow[]> {
  const rankMetrics = new Map(metricIds.map((m) => [cityRankMetricOf(m), m]));
  const { rows } = await db.query<{
    series_id: string;
    metric_id: string;
    value: number;
    flags: string[];
    data_version: number;
  }>(
    `SELECT series_id, metric_id, value, flags, data_version
       FROM measurement JOIN unnest($1::text[]) AS a(series_id) USING (series_id)
      WHERE metric_id = ANY ($2)
        AND ts >= $3::date::timestamp AT TIME ZONE 'Asia/Shanghai'
        AND ts < ($3::date + INTERVAL '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai'`,
    [areaIds, [...rankMetrics.keys()], monthStart],
  );
  return rows.map((r) => ({
    area_id: r.series_id,
    metric_id: rankMetrics.get(r.metric_id)!,
    rank: Math.round(r.value),
    n_ranked: parseRankedCount(r.flags),
    data_version: r.data_version,
  }));
}

/** The month's city rank per (area, ranked metric). */
export async function readCityRanks(
  db: Queryable,
  areaIds: readonly string[],
  metricIds: readonly string[],
  monthStart: string,
): Promise<CityRankRow[]> {
  const [table, measured] = await Promise.all([
    readRankTable(db, areaIds, metricIds, monthStart),
    readRankMeasurements(db, areaIds, metricIds, monthStart),
  ]);
  const byKey = new Map<string, CityRankRow>();
  for (const r of measured) byKey.set(`${r.area_id}|${r.metric_id}`, r);
  for (const r of table) byKey.set(`${r.area_id}|${r.metric_id}`, r);
  return [...byKey.values()];
}
