/**
 * City-wide (全市) ranks as published by the city and ingested as measurements: metric `city_rank_<metric>`,
 * series_id = the area id, ts = the month's start, value = the rank position (1 = best).
 *
 * The number of units the city ranked that month is needed for the bottom-10/30 flags (后10名 = the ten
 * largest rank numbers). ASSUMPTION (documented in docs/decisions.md, to align with the ingestion adapter):
 * it travels on the rank row as the flag `ranked:<N>` (e.g. `ranked:273`); without it the flags are unknown
 * and the report says so instead of guessing.
 */
import type { Queryable } from '../../db/queryable.js';

export interface CityRankRow {
  series_id: string;
  metric_id: string;
  value: number;
  flags: string[];
  data_version: number;
}

export async function readCityRanks(
  db: Queryable,
  areaIds: readonly string[],
  rankMetricIds: readonly string[],
  monthStart: string,
): Promise<CityRankRow[]> {
  const { rows } = await db.query<CityRankRow>(
    `SELECT series_id, metric_id, value, flags, data_version
       FROM measurement
      WHERE metric_id = ANY ($2) AND series_id = ANY ($1)
        AND ts >= $3::date::timestamp AT TIME ZONE 'Asia/Shanghai'
        AND ts < ($3::date + INTERVAL '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai'`,
    [areaIds, rankMetricIds, monthStart],
  );
  return rows;
}

const RANKED_FLAG = /^ranked[:=](\d+)$/;

export function parseRankedCount(flags: readonly string[]): number | null {
  for (const f of flags) {
    const m = RANKED_FLAG.exec(f.trim());
    if (m) return Number(m[1]);
  }
  return null;
}

export function cityRankMetricOf(metricId: string): string {
  return `city_rank_${metricId}`;
}
