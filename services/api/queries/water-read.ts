/** Water sections with their responsible street/town and target class, and their classes by month. */
import type { Queryable } from '../../db/queryable.js';

export interface SectionRow {
  id: string;
  name_zh: string;
  name_en: string;
  river_zh: string | null;
  river_en: string | null;
  section_kinds: string[];
  area_id: string | null;
  area_zh: string | null;
  area_en: string | null;
  target_class: number | null;
  is_example: boolean;
}

/** The district's water sections valid in `year`, with that year's target class (null when none is set). */
export async function listWaterSections(
  db: Queryable,
  q: { districtId: string; year: number; areaId: string | null },
): Promise<SectionRow[]> {
  const { rows } = await db.query<SectionRow>(
    `SELECT s.id, s.name_zh, s.name_en, s.river_zh, s.river_en, s.section_kinds, s.area_id,
            a.short_zh AS area_zh, a.name_en AS area_en, t.target_class, s.is_example
       FROM site s
       LEFT JOIN area a ON a.id = s.area_id
       LEFT JOIN site_water_target t ON t.site_id = s.id AND t.year = $2
      WHERE s.kind = 'water_section' AND s.district_id = $1
        AND ($3::text IS NULL OR s.area_id = $3)
        AND s.valid_from <= make_date($2, 12, 31) AND (s.valid_to IS NULL OR s.valid_to >= make_date($2, 1, 1))
      ORDER BY s.river_zh NULLS LAST, s.id`,
    [q.districtId, q.year, q.areaId],
  );
  return rows;
}

export interface SectionMonthRow {
  site_id: string;
  month: string;
  water_class: number;
  target_class: number | null;
  meets_target: boolean | null;
  deciding_parameters: string[];
}

/** Each section's class per Shanghai month of `year` (the monthly rows of water_section_class). */
export async function readSectionMonths(
  db: Queryable,
  q: { siteIds: readonly string[]; year: number },
): Promise<SectionMonthRow[]> {
  const { rows } = await db.query<SectionMonthRow>(
    `SELECT site_id, to_char(month, 'YYYY-MM') AS month, water_class, target_class, meets_target, deciding_parameters
       FROM water_section_class
      WHERE period_kind = 'month' AND site_id = ANY ($1) AND month BETWEEN make_date($2, 1, 1) AND make_date($2, 12, 1)
      ORDER BY site_id, month`,
    [q.siteIds, q.year],
  );
  return rows;
}
