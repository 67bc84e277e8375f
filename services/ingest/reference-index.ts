/**
 * The reference data a batch is validated against, read once per batch: series (site and area ids and
 * their aliases) and metrics with their canonical units, accepted conversions and plausible ranges.
 */
import type { Queryable } from '../db/queryable.js';

export interface MetricInfo {
  id: string;
  unit: string;
  resolution: 'hour' | 'day' | 'month' | 'sample';
  domain: string;
  conversions: Record<string, number>;
  plausibleMin: number | null;
  plausibleMax: number | null;
}

export interface SeriesInfo {
  id: string;
  kind: 'site' | 'area' | 'district';
  validFrom: string;
  validTo: string | null;
}

export interface ReferenceIndex {
  series: Map<string, SeriesInfo>; // by normalised id or alias
  metrics: Map<string, MetricInfo>;
}

/** Aliases are matched after trimming, folding full-width spaces and lower-casing Latin letters. */
export function normaliseName(s: string): string {
  return s.replace(/[\u3000\s]+/g, '').toLowerCase();
}

export async function loadReferenceIndex(db: Queryable): Promise<ReferenceIndex> {
  const [series, metrics] = await Promise.all([
    db.query<{ key: string; id: string; kind: SeriesInfo['kind']; valid_from: string; valid_to: string | null }>(
      `SELECT s.id AS key, s.id, 'site' AS kind, s.valid_from::text, s.valid_to::text FROM site s
       UNION ALL SELECT sa.alias, s.id, 'site', s.valid_from::text, s.valid_to::text FROM site_alias sa JOIN site s ON s.id = sa.site_id
       UNION ALL SELECT a.id, a.id, 'area', a.valid_from::text, a.valid_to::text FROM area a
       UNION ALL SELECT aa.alias, a.id, 'area', a.valid_from::text, a.valid_to::text FROM area_alias aa JOIN area a ON a.id = aa.area_id
       UNION ALL SELECT d.id, d.id, 'district', '2000-01-01', NULL FROM district d
       UNION ALL SELECT d.name_zh, d.id, 'district', '2000-01-01', NULL FROM district d`,
    ),
    db.query<{
      id: string;
      unit: string;
      resolution: MetricInfo['resolution'];
      domain: string;
      unit_conversions: Record<string, number>;
      plausible_min: number | null;
      plausible_max: number | null;
    }>(`SELECT id, unit, resolution, domain, unit_conversions, plausible_min, plausible_max FROM metric`),
  ]);
  const seriesMap = new Map<string, SeriesInfo>();
  for (const r of series.rows) {
    seriesMap.set(normaliseName(r.key), { id: r.id, kind: r.kind, validFrom: r.valid_from, validTo: r.valid_to });
  }
  const metricMap = new Map<string, MetricInfo>();
  for (const m of metrics.rows) {
    metricMap.set(m.id, {
      id: m.id,
      unit: m.unit,
      resolution: m.resolution,
      domain: m.domain,
      conversions: m.unit_conversions,
      plausibleMin: m.plausible_min,
      plausibleMax: m.plausible_max,
    });
  }
  return { series: seriesMap, metrics: metricMap };
}
