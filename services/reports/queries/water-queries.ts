/** Water sections of a district with their target class for a plan year, and their sample means. */
import type { Queryable } from '../../db/queryable.js';

export interface WaterSectionRefRow {
  id: string;
  name_zh: string;
  name_en: string;
  river_zh: string | null;
  river_en: string | null;
  area_id: string | null;
  waterbody: 'river' | 'lake' | null;
  is_example: boolean;
  target_class: number | null;
  overrides: Record<string, { max?: number; min?: number }> | null;
}

/**
 * Sections valid in [from, to]. The target class is the one set for the year, else the latest earlier
 * one: a section keeps its target until a later plan changes it (2024 names no sections, §2.5).
 */
export async function readWaterSections(
  db: Queryable,
  districtId: string,
  year: number,
  from: string,
  to: string,
): Promise<WaterSectionRefRow[]> {
  const { rows } = await db.query<WaterSectionRefRow>(
    `SELECT s.id, s.name_zh, s.name_en, s.river_zh, s.river_en, s.area_id, s.waterbody, s.is_example,
            t.target_class, t.overrides
       FROM site s
       LEFT JOIN LATERAL (
         SELECT w.target_class, w.overrides FROM site_water_target w
          WHERE w.site_id = s.id AND w.year <= $2 ORDER BY w.year DESC LIMIT 1) t ON true
      WHERE s.kind = 'water_section' AND s.district_id = $1
        AND s.valid_from <= $4::date AND (s.valid_to IS NULL OR s.valid_to >= $3::date)
      ORDER BY s.river_zh NULLS LAST, s.id`,
    [districtId, year, from, to],
  );
  return rows;
}

export interface WaterSampleMeanRow {
  series_id: string;
  metric_id: string;
  month: string;
  mean: number;
  samples: number;
  min_version: number;
}

/**
 * Mean of each water parameter per section and Shanghai month over [from, to]: "a monthly value is one
 * sample or the mean of the month's samples" (standards.md §7).
 */
export async function readWaterSampleMeans(
  db: Queryable,
  siteIds: readonly string[],
  from: string,
  to: string,
): Promise<WaterSampleMeanRow[]> {
  const { rows } = await db.query<WaterSampleMeanRow>(
    `SELECT x.series_id, x.metric_id, to_char(date_trunc('month', x.ts AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM') AS month,
            avg(x.value) AS mean, count(*)::int AS samples, min(x.data_version)::int AS min_version
       FROM measurement x
       JOIN metric m ON m.id = x.metric_id AND m.domain = 'water'
      WHERE x.series_id = ANY ($1)
        AND x.ts >= $2::date::timestamp AT TIME ZONE 'Asia/Shanghai'
        AND x.ts < ($3::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
      GROUP BY 1, 2, 3`,
    [siteIds, from, to],
  );
  return rows;
}

export async function readWaterParamNames(db: Queryable): Promise<Map<string, { zh: string; en: string }>> {
  const { rows } = await db.query<{ id: string; name_zh: string; name_en: string }>(
    `SELECT id, name_zh, name_en FROM metric WHERE domain = 'water'`,
  );
  return new Map(rows.map((r) => [r.id, { zh: r.name_zh, en: r.name_en }]));
}
