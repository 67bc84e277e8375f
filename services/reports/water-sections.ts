/**
 * Water sections of a report period: class (GB 3838 single-factor rule), target class, whether the target
 * is met, main pollutants with exceedance multiples — all decided by services/standards, never here.
 */
import {
  classifySection,
  meetsTarget,
  type ParameterOverrides,
  type TargetWaterClass,
} from '../standards/index.js';
import { isWaterParam } from '../standards/water-class-limits.js';
import type { WaterSampleMeanRow, WaterSectionRefRow } from './queries/water-queries.js';
import type { AreaRef, WaterSectionRow } from './report-types.js';

/** A feed may publish the class itself (metric water_class, 1-6) instead of the parameters. */
const DELIVERED_CLASS = 'water_class';

export interface SectionPeriodValues {
  /** Mean of each parameter over the period (mean of the monthly means). */
  params: Record<string, number>;
  deliveredClass: number | null;
  samples: number;
}

/** Groups sample means by section over the given months: the period value is the mean of the monthly means. */
export function periodValues(
  rows: readonly WaterSampleMeanRow[],
  months: ReadonlySet<string>,
): Map<string, SectionPeriodValues> {
  const acc = new Map<
    string,
    { sums: Map<string, { sum: number; n: number }>; worstClass: number | null; samples: number }
  >();
  for (const r of rows) {
    if (!months.has(r.month)) continue;
    const a = acc.get(r.series_id) ?? { sums: new Map(), worstClass: null, samples: 0 };
    if (r.metric_id === DELIVERED_CLASS) {
      // The mean of class numbers means nothing: a period takes its worst delivered class.
      a.worstClass = Math.max(a.worstClass ?? 0, Math.round(r.mean));
    } else if (isWaterParam(r.metric_id)) {
      const s = a.sums.get(r.metric_id) ?? { sum: 0, n: 0 };
      s.sum += r.mean;
      s.n++;
      a.sums.set(r.metric_id, s);
    }
    a.samples = Math.max(a.samples, r.samples);
    acc.set(r.series_id, a);
  }
  const out = new Map<string, SectionPeriodValues>();
  for (const [site, a] of acc) {
    const params: Record<string, number> = {};
    for (const [p, s] of a.sums) params[p] = s.sum / s.n;
    out.set(site, { params, deliveredClass: a.worstClass, samples: a.samples });
  }
  return out;
}

function asTargetClass(c: number | null): TargetWaterClass | undefined {
  return c !== null && c >= 1 && c <= 5 ? (c as TargetWaterClass) : undefined;
}

export interface ClassifiedValues {
  waterClass: number | null;
  met: boolean | null;
  mainPollutants: WaterSectionRow['mainPollutants'];
}

export function classifyValues(
  section: WaterSectionRefRow,
  values: SectionPeriodValues | undefined,
  paramNames: ReadonlyMap<string, { zh: string; en: string }>,
): ClassifiedValues {
  if (!values) return { waterClass: null, met: null, mainPollutants: [] };
  const waterbody = section.waterbody ?? 'river';
  const target = asTargetClass(section.target_class);
  const overrides = (section.overrides ?? {}) as ParameterOverrides;
  if (Object.keys(values.params).length === 0) {
    const c = values.deliveredClass;
    return {
      waterClass: c,
      met: c === null || section.target_class === null ? null : c <= section.target_class,
      mainPollutants: [],
    };
  }
  const classification = classifySection(values.params, { waterbody, targetClass: target, overrides });
  // A 劣Ⅴ "target" (class 6) is met by any class; the standards library only takes targets Ⅰ-Ⅴ.
  const met =
    target !== undefined
      ? meetsTarget(values.params, target, { waterbody, overrides }).met
      : section.target_class === 6
        ? true
        : null;
  return {
    waterClass: classification.class,
    met,
    mainPollutants: classification.mainPollutants.map((p) => ({
      param: p.param,
      nameZh: paramNames.get(p.param)?.zh ?? p.param,
      nameEn: paramNames.get(p.param)?.en ?? p.param,
      value: p.value,
      exceedanceMultiple: p.exceedanceMultiple,
    })),
  };
}

export function buildSectionRow(
  section: WaterSectionRefRow,
  current: SectionPeriodValues | undefined,
  lastYear: SectionPeriodValues | undefined,
  areas: ReadonlyMap<string, AreaRef>,
  paramNames: ReadonlyMap<string, { zh: string; en: string }>,
): WaterSectionRow {
  const cur = classifyValues(section, current, paramNames);
  const ly = classifyValues(section, lastYear, paramNames);
  return {
    siteId: section.id,
    nameZh: section.name_zh,
    nameEn: section.name_en,
    riverZh: section.river_zh,
    riverEn: section.river_en,
    area: section.area_id ? (areas.get(section.area_id) ?? null) : null,
    waterClass: cur.waterClass,
    targetClass: section.target_class,
    met: cur.met,
    mainPollutants: cur.mainPollutants,
    lastYearClass: ly.waterClass,
    samples: current?.samples ?? 0,
  };
}
