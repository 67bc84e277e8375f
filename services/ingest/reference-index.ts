/**
 * The reference data a batch is validated against, read once per batch: series (site, area and district ids
 * and every name and alias of them) and metrics with their canonical units, accepted unit spellings and
 * plausible ranges. Names are matched the way services/reference/name-index.ts folds them (NFKC, no
 * whitespace, lower case), so "北苑街道", "北苑 街道" and "Beiyuan Subdistrict" all find the same area.
 */
import type { Queryable } from '../db/queryable.js';
import { normaliseName } from '../reference/name-index.js';

export { normaliseName };

export type Resolution = 'hour' | 'day' | 'month' | 'sample';

export interface MetricInfo {
  id: string;
  nameZh: string;
  unit: string;
  resolution: Resolution;
  domain: string;
  /** Normalised unit spelling → factor to the canonical unit (the canonical unit and unit_zh map to 1). */
  units: Map<string, number>;
  plausibleMin: number | null;
  plausibleMax: number | null;
}

export interface SeriesInfo {
  id: string;
  kind: 'site' | 'area' | 'district';
  siteKind: 'air_station' | 'dust_fall_site' | 'water_section' | null;
  districtId: string;
  validFrom: string;
  validTo: string | null;
}

export interface ReferenceIndex {
  series: Map<string, SeriesInfo>; // by normalised id, name or alias
  metrics: Map<string, MetricInfo>; // by normalised id, name or short name
  districts: Map<string, string>; // normalised id or name → district id
}

interface SeriesRow {
  key: string;
  id: string;
  kind: SeriesInfo['kind'];
  site_kind: SeriesInfo['siteKind'];
  district_id: string;
  valid_from: string;
  valid_to: string | null;
}

interface MetricRow {
  id: string;
  name_zh: string;
  name_en: string;
  unit: string;
  unit_zh: string;
  resolution: Resolution;
  domain: string;
  unit_conversions: Record<string, number>;
  plausible_min: number | null;
  plausible_max: number | null;
}

/** Unit spellings are compared after NFKC (µ/μ, ³/3, ²/2 fold together), without spaces, in lower case. */
export function normaliseUnit(unit: string): string {
  return unit.normalize('NFKC').replace(/\s+/gu, '').toLowerCase();
}

/**
 * Names a metric is known by in headers and feeds: its id, both names, and for "细颗粒物（PM2.5）" also
 * "细颗粒物" and "PM2.5" — officials' tables head a column with either half.
 */
export function metricNames(m: Pick<MetricRow, 'id' | 'name_zh' | 'name_en'>): string[] {
  const names = [m.id, m.name_zh, m.name_en];
  for (const name of [m.name_zh, m.name_en]) {
    const paren = /^(.+?)[（(]([^）)]+)[）)]$/u.exec(name.normalize('NFKC'));
    if (paren?.[1] && paren[2]) names.push(paren[1], paren[2]);
  }
  return names;
}

/**
 * Codes as files write them: stations and sections are coded `beiyuan-s1` as often as `beiyuan_s1` (ids only
 * take underscores), and a metric column is headed `dustfall` or `dust-fall` for `dust_fall`.
 */
function separatorVariants(key: string): string[] {
  return key.includes('_') ? [key.replace(/_/g, '-')] : key.includes('-') ? [key.replace(/-/g, '_')] : [];
}

/** Adds each key's variants that name nothing else: a variant never shadows a real id, name or alias. */
function addSpellingVariants<V>(
  map: Map<string, V>,
  variants: (key: string) => string[],
  idOf: (value: V) => string,
): void {
  const added = new Map<string, V | null>();
  for (const [key, value] of map) {
    for (const v of variants(key)) {
      if (v === key || map.has(v)) continue;
      // Two entries folding to the same variant ("a_b" and "ab" → "ab"): the variant is ambiguous, not added.
      const prev = added.get(v);
      added.set(v, prev === undefined || (prev !== null && idOf(prev) === idOf(value)) ? value : null);
    }
  }
  for (const [v, value] of added) if (value !== null) map.set(v, value);
}

/** Indexes already read, by pool, with the reference_version they were read at (migration 0011). */
const cached = new WeakMap<object, { version: number; index: ReferenceIndex }>();

/**
 * The reference index, re-read only when the reference data changed since the last read through this pool:
 * a batch costs one small query instead of the whole reference set.
 */
export async function loadReferenceIndex(db: Queryable): Promise<ReferenceIndex> {
  const { rows } = await db.query<{ version: number }>('SELECT version FROM reference_version');
  const version = rows[0]?.version ?? -1;
  const hit = cached.get(db);
  if (hit && hit.version === version) return hit.index;
  const index = await readReferenceIndex(db);
  cached.set(db, { version, index });
  return index;
}

async function readReferenceIndex(db: Queryable): Promise<ReferenceIndex> {
  // One after the other: db may be a single client, which runs one query at a time.
  const series = await db.query<SeriesRow>(
    `SELECT s.id AS key, s.id, 'site' AS kind, s.kind AS site_kind, s.district_id,
              s.valid_from::text, s.valid_to::text FROM site s
       UNION ALL SELECT s.name_zh, s.id, 'site', s.kind, s.district_id, s.valid_from::text, s.valid_to::text FROM site s
       UNION ALL SELECT sa.alias, s.id, 'site', s.kind, s.district_id, s.valid_from::text, s.valid_to::text
                   FROM site_alias sa JOIN site s ON s.id = sa.site_id
       UNION ALL SELECT a.id, a.id, 'area', NULL, a.district_id, a.valid_from::text, a.valid_to::text FROM area a
       UNION ALL SELECT a.short_zh, a.id, 'area', NULL, a.district_id, a.valid_from::text, a.valid_to::text FROM area a
       UNION ALL SELECT a.name_zh, a.id, 'area', NULL, a.district_id, a.valid_from::text, a.valid_to::text FROM area a
       UNION ALL SELECT aa.alias, a.id, 'area', NULL, a.district_id, a.valid_from::text, a.valid_to::text
                   FROM area_alias aa JOIN area a ON a.id = aa.area_id
       UNION ALL SELECT d.id, d.id, 'district', NULL, d.id, '2000-01-01', NULL FROM district d
       UNION ALL SELECT d.name_zh, d.id, 'district', NULL, d.id, '2000-01-01', NULL FROM district d
       UNION ALL SELECT d.name_en, d.id, 'district', NULL, d.id, '2000-01-01', NULL FROM district d`,
  );
  const metrics = await db.query<MetricRow>(
    `SELECT id, name_zh, name_en, unit, unit_zh, resolution, domain, unit_conversions, plausible_min, plausible_max
       FROM metric`,
  );
  const seriesMap = new Map<string, SeriesInfo>();
  const districts = new Map<string, string>();
  for (const r of series.rows) {
    const key = normaliseName(r.key);
    // Ids come first in the query, so an alias never shadows an id.
    if (key === '' || seriesMap.has(key)) continue;
    seriesMap.set(key, {
      id: r.id,
      kind: r.kind,
      siteKind: r.site_kind,
      districtId: r.district_id,
      validFrom: r.valid_from,
      validTo: r.valid_to,
    });
    if (r.kind === 'district') districts.set(key, r.id);
  }
  addSpellingVariants(seriesMap, separatorVariants, (s) => s.id);
  const metricMap = new Map<string, MetricInfo>();
  for (const m of metrics.rows) {
    const units = new Map<string, number>([
      [normaliseUnit(m.unit), 1],
      [normaliseUnit(m.unit_zh), 1],
    ]);
    for (const [spelling, factor] of Object.entries(m.unit_conversions))
      units.set(normaliseUnit(spelling), factor);
    const info: MetricInfo = {
      id: m.id,
      nameZh: m.name_zh,
      unit: m.unit,
      resolution: m.resolution,
      domain: m.domain,
      units,
      plausibleMin: m.plausible_min,
      plausibleMax: m.plausible_max,
    };
    metricMap.set(normaliseName(m.id), info);
  }
  // Names second, so a name never shadows another metric's id.
  for (const m of metrics.rows) {
    const info = metricMap.get(normaliseName(m.id))!;
    for (const name of metricNames(m)) {
      const key = normaliseName(name);
      if (!metricMap.has(key)) metricMap.set(key, info);
    }
  }
  addSpellingVariants(
    metricMap,
    (key) => [key.replace(/[_-]/g, ''), ...separatorVariants(key)],
    (m) => m.id,
  );
  return { series: seriesMap, metrics: metricMap, districts };
}
