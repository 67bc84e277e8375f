/**
 * The quarterly water bulletin: "按季度通报水环境质量排名后10位" (2021 plan, 001:987), switched on per plan
 * year (REPORT_WATER_BULLETIN_YEARS; the 2024 plan dropped the clause, action-plans.md §8 q.18).
 *
 * The plans do not say how streets/towns are ordered for water (NOT IN SEEDS). Interpretation, documented in
 * docs/decisions.md: a unit's sections (those it is responsible for, site.area_id) are classified on the
 * quarter's mean of monthly means; units are ordered worst first by (1) sections failing their target,
 * (2) worst class, (3) largest exceedance multiple. Equal keys share a rank; ties at the tenth place are kept.
 */
import type { Queryable } from '../db/queryable.js';
import { ValidationError } from '../errors.js';
import { parsePeriod } from '../time/periods.js';
import { addMonths } from '../time/shanghai.js';
import { VersionTracker } from './build-ranking.js';
import { readAreasValidIn, readDistrict } from './queries/reference-queries.js';
import { readWaterParamNames, readWaterSampleMeans, readWaterSections } from './queries/water-queries.js';
import type { WaterBulletinData, WaterBulletinRow, WaterSectionRow } from './report-types.js';
import { buildSectionRow, periodValues } from './water-sections.js';

export const BULLETIN_SIZE = 10;
export const WATER_BULLETIN_SOURCE = '通政发〔2021〕2号 001:987';

type Key = [number, number, number];

function keyOf(sections: readonly WaterSectionRow[]): Key {
  const failing = sections.filter((s) => s.met === false).length;
  const worst = Math.max(...sections.map((s) => s.waterClass ?? 0));
  const multiples = sections
    .flatMap((s) => s.mainPollutants.map((p) => p.exceedanceMultiple))
    .filter((m): m is number => m !== null);
  return [failing, worst, multiples.length ? Math.max(...multiples) : -Infinity];
}

function compareWorstFirst(a: Key, b: Key): number {
  // Explicit equality for the multiple: −Infinity − −Infinity is NaN, which would break ties and sorting.
  return b[0] - a[0] || b[1] - a[1] || (a[2] === b[2] ? 0 : b[2] > a[2] ? 1 : -1);
}

export async function collectWaterBulletin(
  db: Queryable,
  opts: { scopeId: string; quarter: string },
): Promise<WaterBulletinData> {
  const period = parsePeriod(opts.quarter);
  if (period.kind !== 'quarter') throw new ValidationError(`not a quarter (YYYY-Qn): ${opts.quarter}`);
  const firstMonth = period.from.slice(0, 7);
  const months = new Set([firstMonth, addMonths(firstMonth, 1), addMonths(firstMonth, 2)]);
  const [district, areas, sections, paramNames] = await Promise.all([
    readDistrict(db, opts.scopeId),
    readAreasValidIn(db, opts.scopeId, period.from, period.to),
    readWaterSections(db, opts.scopeId, period.year, period.from, period.to),
    readWaterParamNames(db),
  ]);
  const areaById = new Map(areas.map((a) => [a.id, a]));
  const owned = sections.filter((s) => s.area_id !== null && areaById.has(s.area_id));
  const samples = await readWaterSampleMeans(
    db,
    owned.map((s) => s.id),
    period.from,
    period.to,
  );
  const versions = new VersionTracker();
  for (const r of samples) versions.see(r.min_version);
  const values = periodValues(samples, months);

  const byArea = new Map<string, WaterSectionRow[]>();
  for (const s of owned) {
    if (!values.has(s.id)) continue;
    const row = buildSectionRow(s, values.get(s.id), undefined, areaById, paramNames);
    byArea.set(s.area_id!, [...(byArea.get(s.area_id!) ?? []), row]);
  }
  const scored = [...byArea.entries()]
    .map(([areaId, rows]) => ({ area: areaById.get(areaId)!, rows, key: keyOf(rows) }))
    .sort((a, b) => compareWorstFirst(a.key, b.key) || a.area.sortOrder - b.area.sortOrder);
  const ranked: WaterBulletinRow[] = [];
  scored.forEach((s, i) => {
    const prev = ranked[i - 1];
    const tied = prev !== undefined && compareWorstFirst(scored[i - 1]!.key, s.key) === 0;
    ranked.push({
      area: s.area,
      rank: tied ? prev.rank : i + 1,
      sections: s.rows,
      sectionsFailing: s.key[0],
      worstClass: s.key[1],
      maxExceedance: Number.isFinite(s.key[2]) ? s.key[2] : null,
    });
  });
  return {
    kind: 'water_quarterly',
    scope: district,
    quarter: opts.quarter,
    year: period.year,
    dataVersion: versions.result(),
    worst: ranked.filter((r) => r.rank <= BULLETIN_SIZE),
    assessedAreas: scored.length,
    source: WATER_BULLETIN_SOURCE,
  };
}
