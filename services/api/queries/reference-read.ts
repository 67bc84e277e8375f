/** Reference reads for the API: areas, stations, and which area/district a series or scope id belongs to. */
import type { Queryable } from '../../db/queryable.js';
import type { SiteRow } from '../../reference/reference-queries.js';

/** A station as the API lists it: the reference site row less the fields only reports and water pages use. */
export type StationRow = Omit<SiteRow, 'river_en' | 'waterbody' | 'note'>;

export async function listStations(
  db: Queryable,
  f: { areaId?: string | null; districtId?: string | null; kind?: string | null },
): Promise<StationRow[]> {
  const { rows } = await db.query<StationRow>(
    `SELECT id, kind, name_zh, name_en, district_id, area_id, station_level, river_zh, section_kinds, is_example,
            latitude, longitude, valid_from::text AS valid_from, valid_to::text AS valid_to
       FROM site
      WHERE ($1::text IS NULL OR area_id = $1) AND ($2::text IS NULL OR district_id = $2)
        AND ($3::text IS NULL OR kind = $3)
      ORDER BY district_id, area_id NULLS FIRST, kind, id`,
    [f.areaId ?? null, f.districtId ?? null, f.kind ?? null],
  );
  return rows;
}

export interface ScopeOwner {
  kind: 'site' | 'area' | 'district';
  id: string;
  areaId: string | null;
  districtId: string;
}

/**
 * What a series or scope id names — a site (station, dust-fall site, section), a street/town, or a district —
 * and the area/district it belongs to, for the access check. Null when nothing has that id.
 */
export async function resolveScopeOwner(db: Queryable, id: string): Promise<ScopeOwner | null> {
  const { rows } = await db.query<ScopeOwner>(
    `SELECT 'site' AS kind, id, area_id AS "areaId", district_id AS "districtId" FROM site WHERE id = $1
     UNION ALL SELECT 'area', id, id, district_id FROM area WHERE id = $1
     UNION ALL SELECT 'district', id, NULL, id FROM district WHERE id = $1
     LIMIT 1`,
    [id],
  );
  return rows[0] ?? null;
}

export interface MetricInfo {
  id: string;
  name_zh: string;
  name_en: string;
  unit: string;
  unit_zh: string;
  resolution: string;
  decimals: number;
}

export async function findMetric(db: Queryable, id: string): Promise<MetricInfo | null> {
  const { rows } = await db.query<MetricInfo>(
    `SELECT id, name_zh, name_en, unit, unit_zh, resolution, decimals FROM metric WHERE id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

export async function listDistricts(
  db: Queryable,
): Promise<{ id: string; name_zh: string; name_en: string }[]> {
  const { rows } = await db.query<{ id: string; name_zh: string; name_en: string }>(
    `SELECT id, name_zh, name_en FROM district ORDER BY sort_order, id`,
  );
  return rows;
}

export async function listMetrics(db: Queryable): Promise<MetricInfo[]> {
  const { rows } = await db.query<MetricInfo>(
    `SELECT id, name_zh, name_en, unit, unit_zh, resolution, decimals FROM metric ORDER BY domain, id`,
  );
  return rows;
}
