/**
 * A water section's class against its target (GB 3838-2002, single-factor rule of 环办〔2011〕22号):
 * - the class from site_water_target for the year, with parameter overrides ("港沟河后元化断面水质氨氮≤4mg/L、
 *   其它指标达到Ⅴ类", 000:3531-3532), or a fixed class: 5 reads "never 劣Ⅴ" ("基本消除劣Ⅴ类", 002:3576-3577);
 * - assessment `annual_mean` (§8 q.16): each parameter's mean over the months so far, classified once — the
 *   way annual assessments are made; a month that fails on its own makes a meeting year at_risk, and a
 *   failing mean is at_risk until the year ends, then breached;
 * - assessment `every_month` ("稳定达标", 001:922): every month must meet it; one failing month is breached.
 * Once the period has ended the verdict is final; fewer months monitored than `min_coverage` (75 %) of the
 * elapsed ones is insufficient_data, and the explanation says so (issue #19).
 * A month with parameter values is judged on them (so overrides apply); a month with only a delivered
 * class is judged on the class.
 */
import { z } from 'zod';
import { meetsTarget, type TargetWaterClass } from '../standards/water-class.js';
import { WATER_PARAMS, isWaterParam } from '../standards/water-class-limits.js';
import { addMonths, monthEndDay } from '../time/shanghai.js';
import { heads, verdictEn, verdictZh } from './explain.js';
import { DEFAULT_MIN_COVERAGE_MONTHLY } from './inputs/prepare.js';
import { itemSpan } from './inputs/item-span.js';
import { readWaterMonths, type WaterMonth } from './inputs/water-months.js';
import { defineRuleKind, type DataVersion, type EvaluationStatus, type RuleResult } from './rule-kind.js';
import { classLabel, monthsZh, overridesEn, overridesZh, paramEn, paramZh } from './water-text.js';

const params = z.strictObject({
  target_class: z.union([z.int().min(1).max(5), z.literal('site')]).default('site'),
  assessment: z.enum(['annual_mean', 'every_month']).default('annual_mean'),
  /** Share of the elapsed months that must be monitored (docs/decisions.md: monthly values need 75 %). */
  min_coverage: z.number().min(0).max(1).default(DEFAULT_MIN_COVERAGE_MONTHLY),
  /**
   * With a fixed target_class, still apply the parameter overrides of the section's target for the year
   * (2021 "达到国家市级相应考核要求" keeps 后元化's and 王家摆's NH3-N ≤ 4 mg/L). target_class 'site' always does.
   */
  site_overrides: z.boolean().default(false),
});
type Params = z.infer<typeof params>;

interface Judged {
  met: boolean;
  waterClass: number;
  failing: string[];
}

export const waterClassTarget = defineRuleKind<Params>({
  kind: 'water_class_target',
  params,
  periodKinds: () => ['year'],
  inputMetrics: () => ['water_class', ...WATER_PARAMS],
  lookbackYears: () => 0,
  async evaluate(ctx, p, items) {
    const months = await readWaterMonths(ctx.db, itemSpan(items));

    return items.map((it): RuleResult => {
      const [hz, he] = heads(ctx, it);
      const section = ctx.scopes.sections.get(it.scopeId);
      const siteTarget = section?.targets.get(it.period.year);
      const targetClass = p.target_class === 'site' ? siteTarget?.targetClass : p.target_class;
      const overrides = p.target_class === 'site' || p.site_overrides ? (siteTarget?.overrides ?? {}) : {};
      const list = (months.get(it.scopeId) ?? []).filter(
        (m) => m.month >= it.period.from.slice(0, 7) && monthEndDay(m.month) <= it.until,
      );
      const elapsed = countMonths(it.period.from.slice(0, 7), it.until);
      const asOf = list.length > 0 ? monthEndDay(list.at(-1)!.month) : it.until;
      const coverage = elapsed > 0 ? list.length / elapsed : null;
      const dataVersion = versionOf(list);
      if (!section || targetClass === undefined || targetClass > 5 || list.length === 0) {
        const why =
          !section || targetClass === undefined
            ? ['该断面当年无考核目标', 'the section has no target class for the year']
            : ['无监测数据', 'no monitoring data'];
        return {
          asOf,
          // Nothing more will come once the year is over: the "cannot decide" is the verdict (issue #19).
          final: it.until >= it.period.to,
          status: 'insufficient_data',
          value: null,
          threshold: targetClass ?? null,
          coverage,
          dataVersion,
          explanationZh: `${hz}${why[0]}，无法判断。`,
          explanationEn: `${he}${why[1]}; cannot decide.`,
          details: {},
        };
      }
      const waterbody = section.waterbody;
      const judge = (values: Record<string, number>, delivered: number): Judged => {
        const usable = Object.fromEntries(Object.entries(values).filter(([k]) => isWaterParam(k)));
        if (Object.keys(usable).length === 0)
          return { met: delivered <= targetClass, waterClass: delivered, failing: [] };
        const r = meetsTarget(usable, targetClass as TargetWaterClass, { waterbody, overrides });
        return { met: r.met, waterClass: r.class, failing: [...r.failingParameters] };
      };
      const monthly = list.map((m) => ({ m, j: judge(m.values, m.waterClass) }));
      const failingMonths = monthly.filter((x) => !x.j.met).map((x) => x.m.month);
      // A period that has ended is decided, whatever the data: waiting for months that will never be
      // sampled would leave a projection standing for good (issue #19).
      const final = it.until >= it.period.to;
      const covered = coverage !== null && coverage >= p.min_coverage - 1e-9;
      const annual =
        p.assessment === 'annual_mean'
          ? judge(meanValues(list), Math.max(...list.map((m) => m.waterClass)))
          : null;
      const value = annual ? annual.waterClass : Math.max(...monthly.map((x) => x.j.waterClass));
      const status = decide(p.assessment, { annual, failingMonths, covered, final });
      const text = describe({
        assessment: p.assessment,
        n: list.length,
        elapsed,
        minCoverage: p.min_coverage,
        covered,
        value,
        failing: annual?.failing ?? [],
        failingMonths,
        targetZh: classLabel(targetClass, 'zh') + overridesZh(overrides),
        targetEn: classLabel(targetClass, 'en') + overridesEn(overrides),
      });
      return {
        asOf,
        final,
        status,
        value,
        threshold: targetClass,
        coverage,
        dataVersion,
        explanationZh: `${hz}${text.zh}${verdictZh(status, final)}`,
        explanationEn: `${he}${text.en} ${verdictEn(status, final)}`,
        details: { assessment: p.assessment, failingMonths, monthsMonitored: list.length, overrides },
      };
    });
  },
});

/**
 * every_month: any failing month is a breach (an observed failure needs no coverage). annual_mean: the
 * parameter means decide; before the period ends a failing mean, or a failing month under a meeting mean, is
 * at_risk. Either way, too few months monitored (min_coverage of the elapsed months) decides nothing.
 */
function decide(
  assessment: Params['assessment'],
  s: { annual: Judged | null; failingMonths: readonly string[]; covered: boolean; final: boolean },
): EvaluationStatus {
  if (assessment === 'every_month' && s.failingMonths.length > 0) return 'breached';
  if (!s.covered) return 'insufficient_data';
  if (assessment === 'every_month' || !s.annual) return 'met';
  if (!s.annual.met) return s.final ? 'breached' : 'at_risk';
  return s.failingMonths.length > 0 && !s.final ? 'at_risk' : 'met';
}

function describe(t: {
  assessment: Params['assessment'];
  n: number;
  elapsed: number;
  minCoverage: number;
  covered: boolean;
  value: number;
  failing: readonly string[];
  failingMonths: readonly string[];
  targetZh: string;
  targetEn: string;
}): { zh: string; en: string } {
  const share = Math.round(t.minCoverage * 100);
  const shortZh = t.covered ? '' : `，不足${share}%，无法评价全期水质`;
  const shortEn = t.covered ? '' : `, fewer than ${share} % (too few to assess the period)`;
  const failedZh = monthsZh(t.failingMonths) || '无';
  const failedEn = t.failingMonths.join(', ') || 'none';
  if (t.assessment === 'every_month') {
    return {
      zh: `${t.n}个月有监测（应有${t.elapsed}个月）${shortZh}，最差月份${classLabel(t.value, 'zh')}，目标每月达到${t.targetZh}，未达标月份：${failedZh}。`,
      en: `${t.n} of ${t.elapsed} month(s) monitored${shortEn}, worst month ${classLabel(t.value, 'en')}, target ${t.targetEn} every month; failing months: ${failedEn}.`,
    };
  }
  const failZh = t.failing.length > 0 ? `（超标参数：${t.failing.map(paramZh).join('、')}）` : '';
  const failEn = t.failing.length > 0 ? ` (failing: ${t.failing.map(paramEn).join(', ')})` : '';
  return {
    zh: `${t.n}个月有监测（应有${t.elapsed}个月）${shortZh}，各参数均值评价为${classLabel(t.value, 'zh')}${failZh}，目标${t.targetZh}；单月未达标：${failedZh}。`,
    en: `${t.n} of ${t.elapsed} month(s) monitored${shortEn}; the parameter means classify as ${classLabel(t.value, 'en')}${failEn}, target ${t.targetEn}; failing months: ${failedEn}.`,
  };
}

function meanValues(list: readonly WaterMonth[]): Record<string, number> {
  const sums = new Map<string, { s: number; n: number }>();
  for (const m of list) {
    for (const [k, v] of Object.entries(m.values)) {
      const e = sums.get(k) ?? { s: 0, n: 0 };
      sums.set(k, { s: e.s + v, n: e.n + 1 });
    }
  }
  return Object.fromEntries([...sums].map(([k, e]) => [k, e.s / e.n]));
}

function countMonths(fromMonth: string, until: string): number {
  let n = 0;
  for (let m = fromMonth; monthEndDay(m) <= until; m = addMonths(m, 1)) n += 1;
  return n;
}

function versionOf(list: readonly WaterMonth[]): DataVersion {
  if (list.length === 0) return 'none';
  const v = list.map((m) => m.version);
  return Math.min(...v) === 1 ? 'audited' : Math.max(...v) === 0 ? 'provisional' : 'mixed';
}
