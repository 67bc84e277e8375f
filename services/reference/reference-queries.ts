/**
 * Named queries over the reference tables. Names are matched the way `normaliseName` folds them (full-width
 * forms, whitespace, Latin case), against ids and stored aliases — and every name of an area, site or unit
 * is stored as an alias by the seeder, so "北苑街道办事处", "北苑" and "Beiyuan Subdistrict" all resolve.
 */
import type { Queryable } from '../db/queryable.js';
import { toShanghaiDay } from '../time/shanghai.js';
import { normaliseName, normalisedSql } from './name-index.js';

async function resolveId(db: Queryable, table: string, aliasTable: string, fk: string, name: string) {
  const key = normaliseName(name);
  if (key === '') return null;
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM ${table} WHERE id = $1
     UNION ALL
     SELECT ${fk} FROM ${aliasTable} WHERE ${normalisedSql('alias')} = $1
     LIMIT 1`,
    [key],
  );
  return rows[0]?.id ?? null;
}

/** The area id for an id, name or alias ("于家务回族乡" → yujiawu), or null when nothing matches. */
export function resolveAreaId(db: Queryable, nameOrAlias: string): Promise<string | null> {
  return resolveId(db, 'area', 'area_alias', 'area_id', nameOrAlias);
}

export function resolveSiteId(db: Queryable, nameOrAlias: string): Promise<string | null> {
  return resolveId(db, 'site', 'site_alias', 'site_id', nameOrAlias);
}

export function resolveUnitId(db: Queryable, nameOrAlias: string): Promise<string | null> {
  return resolveId(db, 'unit', 'unit_alias', 'unit_id', nameOrAlias);
}

export interface AreaRow {
  id: string;
  district_id: string;
  name_zh: string;
  short_zh: string;
  name_en: string;
  kind: 'street' | 'town' | 'township';
  valid_from: string;
  valid_to: string | null;
  sort_order: number;
}

/**
 * Areas in display order (district, then plan order). `asOf` keeps only areas valid on that Shanghai day —
 * a 2020 ranking has 17 Tongzhou units, a 2021 ranking 22. A Date is read as the Shanghai day it falls in.
 */
export async function listAreas(
  db: Queryable,
  opts: { district?: string; asOf?: string | Date } = {},
): Promise<AreaRow[]> {
  const asOf = opts.asOf instanceof Date ? toShanghaiDay(opts.asOf) : (opts.asOf ?? null);
  const { rows } = await db.query<AreaRow>(
    `SELECT a.id, a.district_id, a.name_zh, a.short_zh, a.name_en, a.kind,
            a.valid_from::text AS valid_from, a.valid_to::text AS valid_to, a.sort_order
       FROM area a JOIN district d ON d.id = a.district_id
      WHERE ($1::text IS NULL OR a.district_id = $1)
        AND ($2::date IS NULL OR (a.valid_from <= $2::date AND (a.valid_to IS NULL OR a.valid_to >= $2::date)))
      ORDER BY d.sort_order, a.sort_order, a.id`,
    [opts.district ?? null, asOf],
  );
  return rows;
}

export interface SiteRow {
  id: string;
  kind: 'air_station' | 'dust_fall_site' | 'water_section';
  name_zh: string;
  name_en: string;
  district_id: string;
  area_id: string | null;
  station_level: string | null;
  river_zh: string | null;
  river_en: string | null;
  section_kinds: string[];
  waterbody: 'river' | 'lake' | null;
  is_example: boolean;
  note: string | null;
  latitude: number | null;
  longitude: number | null;
  valid_from: string;
  valid_to: string | null;
}

/** Sites, optionally of one kind and/or one area (an area id). */
export async function listSites(
  db: Queryable,
  opts: { kind?: SiteRow['kind']; area?: string } = {},
): Promise<SiteRow[]> {
  const { rows } = await db.query<SiteRow>(
    `SELECT id, kind, name_zh, name_en, district_id, area_id, station_level, river_zh, river_en, section_kinds,
            waterbody, is_example, note, latitude, longitude, valid_from::text AS valid_from,
            valid_to::text AS valid_to
       FROM site
      WHERE ($1::text IS NULL OR kind = $1)
        AND ($2::text IS NULL OR area_id = $2)
      ORDER BY kind, id`,
    [opts.kind ?? null, opts.area ?? null],
  );
  return rows;
}
