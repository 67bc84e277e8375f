/** city_ranking: one named function per statement. */
import type { Queryable } from '../../db/queryable.js';
import type { WriteMeta } from '../record-kind.js';
import { columnsOf, COUNT_WRITTEN, countedUpsert, type UpsertCounts } from './upsert-counts.js';

export interface CityRankingRow {
  metricId: string;
  periodKind: 'month' | 'half_month';
  periodStart: string;
  periodEnd: string;
  unitKey: string;
  unitName: string;
  districtName: string | null;
  areaId: string | null;
  rank: number;
  nRanked: number;
  value: number | null;
}

/**
 * Upserts rankings (a corrected list replaces the row and counts a revision) and queues the changed ranks
 * of our own streets/towns for re-evaluation — semi-monthly ones included, which the measurement mirror
 * does not carry.
 */
export async function writeCityRankings(
  tx: Queryable,
  rows: readonly CityRankingRow[],
  meta: WriteMeta,
): Promise<UpsertCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  return countedUpsert(
    tx,
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::date[], $5::text[], $6::text[], $7::text[],
                            $8::text[], $9::int[], $10::int[], $11::float8[])
         AS t(metric_id, period_kind, period_start, period_end, unit_key, unit_name, district_name, area_id,
              rank, n_ranked, value)
     ),
     written AS (
       INSERT INTO city_ranking AS c (metric_id, period_kind, period_start, period_end, unit_key, unit_name,
                                      district_name, area_id, rank, n_ranked, value, source_id, batch_id)
       SELECT metric_id, period_kind, period_start, period_end, unit_key, unit_name, district_name, area_id,
              rank, n_ranked, value, $12, $13
         FROM input
       ON CONFLICT (metric_id, period_kind, period_start, unit_key) DO UPDATE
          SET rank = EXCLUDED.rank, n_ranked = EXCLUDED.n_ranked, value = EXCLUDED.value,
              unit_name = EXCLUDED.unit_name, district_name = EXCLUDED.district_name, period_end = EXCLUDED.period_end,
              source_id = EXCLUDED.source_id, batch_id = EXCLUDED.batch_id, ingested_at = now(),
              revision = c.revision + 1
        WHERE (c.rank, c.n_ranked, c.value) IS DISTINCT FROM (EXCLUDED.rank, EXCLUDED.n_ranked, EXCLUDED.value)
       RETURNING c.area_id, c.metric_id, c.period_start, (c.revision = 0) AS inserted
     ),
     queued AS (
       INSERT INTO evaluation_queue (scope_id, metric_id, day)
       SELECT DISTINCT area_id, 'city_rank_' || CASE metric_id WHEN 'uncontrolled_bare_land_area' THEN 'bare_land'
                                                               ELSE metric_id END, period_start
         FROM written WHERE area_id IS NOT NULL
       ON CONFLICT (scope_id, metric_id, day) DO UPDATE SET queued_at = now()
     )
     ${COUNT_WRITTEN}`,
    [
      ...columnsOf(rows, [
        'metricId',
        'periodKind',
        'periodStart',
        'periodEnd',
        'unitKey',
        'unitName',
        'districtName',
        'areaId',
        'rank',
        'nRanked',
        'value',
      ]),
      meta.sourceId,
      meta.batchId,
    ],
    rows.length,
  );
}

export interface CityRankingRecord {
  metric_id: string;
  period_kind: 'month' | 'half_month';
  period_start: string;
  period_end: string;
  unit_name: string;
  district_name: string | null;
  area_id: string | null;
  rank: number;
  n_ranked: number;
  value: number | null;
}

/** The rankings of a metric over [from, to] (period starts, Shanghai days), optionally for one area. */
export async function listCityRankings(
  db: Queryable,
  q: { metricId: string; from: string; to: string; areaId?: string; periodKind?: 'month' | 'half_month' },
): Promise<CityRankingRecord[]> {
  const { rows } = await db.query<CityRankingRecord>(
    `SELECT metric_id, period_kind, period_start, period_end, unit_name, district_name, area_id, rank, n_ranked, value
       FROM city_ranking
      WHERE metric_id = $1 AND period_start BETWEEN $2::date AND $3::date
        AND ($4::text IS NULL OR area_id = $4) AND ($5::text IS NULL OR period_kind = $5)
      ORDER BY period_start, period_kind, rank, unit_name`,
    [q.metricId, q.from, q.to, q.areaId ?? null, q.periodKind ?? null],
  );
  return rows;
}
