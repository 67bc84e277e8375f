/**
 * A water section's class against its target (GB 3838-2002, single-factor rule of 环办〔2011〕22号):
 * - the class from site_water_target for the year, with parameter overrides ("港沟河后元化断面水质氨氮≤4mg/L、
 *   其它指标达到Ⅴ类", 000:3531-3532), or a fixed class: 5 reads "never 劣Ⅴ" ("基本消除劣Ⅴ类", 002:3576-3577);
 * - assessment `annual_mean` (§8 q.16): each parameter's mean over the months so far, classified once — the
 *   way annual assessments are made; a month that fails on its own makes a meeting year at_risk, and a
 *   failing mean is at_risk until the year ends, then breached;
 * - assessment `every_month` ("稳定达标", 001:922): every month must meet it; one failing month is breached.
 * A month with parameter values is judged on them (so overrides apply); a month with only a delivered
 * class is judged on the class.
 */
import { z } from 'zod';
import {
  formatWaterClass,
  meetsTarget,
  type TargetWaterClass,
  type WaterClass,
} from '../standards/water-class.js';
import { WATER_PARAMS, isWaterParam } from '../standards/water-class-limits.js';
import { addMonths, monthEndDay } from '../time/shanghai.js';
import { headEn, headZh, verdictEn, verdictZh } from './explain.js';
import { readWaterMonths, type WaterMonth } from './inputs/water-months.js';
import { defineRuleKind, type DataVersion, type EvaluationStatus, type RuleResult } from './rule-kind.js';

const params = z.strictObject({
  target_class: z.union([z.int().min(1).max(5), z.literal('site')]).default('site'),
  assessment: z.enum(['annual_mean', 'every_month']).default('annual_mean'),
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
    const fromMonth = items
      .reduce((m, i) => (i.period.from < m ? i.period.from : m), items[0]!.period.from)
      .slice(0, 7);
    const toMonth = items.reduce((m, i) => (i.until > m ? i.until : m), items[0]!.until).slice(0, 7);
    const months = await readWaterMonths(
      ctx.db,
      [...new Set(items.map((i) => i.scopeId))],
      fromMonth,
      toMonth,
    );

    return items.map((it): RuleResult => {
      const hz = headZh(ctx, it.scopeId, it.period);
      const he = headEn(ctx, it.scopeId, it.period);
      const section = ctx.scopes.sections.get(it.scopeId);
      const siteTarget = section?.targets.get(it.period.year);
      const targetClass = p.target_class === 'site' ? siteTarget?.targetClass : p.target_class;
      const overrides = p.target_class === 'site' ? (siteTarget?.overrides ?? {}) : {};
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
          final: false,
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
      const final = asOf >= it.period.to;
      const targetZh = `${formatWaterClass(targetClass as WaterClass, 'zh')}类` + overridesZh(overrides);
      const targetEn = `class ${formatWaterClass(targetClass as WaterClass, 'en')}` + overridesEn(overrides);
      const monthsZh = failingMonths.map((m) => `${Number(m.slice(5))}月`).join('、');
      let status: EvaluationStatus;
      let value: number;
      let zh: string;
      let en: string;
      if (p.assessment === 'every_month') {
        value = Math.max(...monthly.map((x) => x.j.waterClass));
        status = failingMonths.length > 0 ? 'breached' : 'met';
        zh = `${list.length}个月有监测，最差月份${label(value, 'zh')}，目标每月达到${targetZh}，未达标月份：${monthsZh || '无'}。`;
        en = `${list.length} month(s) monitored, worst month ${label(value, 'en')}, target ${targetEn} every month; failing months: ${failingMonths.join(', ') || 'none'}.`;
      } else {
        const annual = judge(meanValues(list), Math.max(...list.map((m) => m.waterClass)));
        value = annual.waterClass;
        status = !annual.met
          ? final
            ? 'breached'
            : 'at_risk'
          : failingMonths.length > 0 && !final
            ? 'at_risk'
            : 'met';
        const failZh = annual.failing.length > 0 ? `（超标参数：${annual.failing.join('、')}）` : '';
        const failEn = annual.failing.length > 0 ? ` (failing: ${annual.failing.join(', ')})` : '';
        zh = `${list.length}个月有监测（应有${elapsed}个月），各参数均值评价为${label(value, 'zh')}${failZh}，目标${targetZh}；单月未达标：${monthsZh || '无'}。`;
        en = `${list.length} of ${elapsed} month(s) monitored; the parameter means classify as ${label(value, 'en')}${failEn}, target ${targetEn}; failing months: ${failingMonths.join(', ') || 'none'}.`;
      }
      return {
        asOf,
        final,
        status,
        value,
        threshold: targetClass,
        coverage,
        dataVersion,
        explanationZh: `${hz}${zh}${verdictZh(status, final)}`,
        explanationEn: `${he}${en} ${verdictEn(status, final)}`,
        details: { assessment: p.assessment, failingMonths, monthsMonitored: list.length, overrides },
      };
    });
  },
});

function label(c: number, lang: 'zh' | 'en'): string {
  return lang === 'zh'
    ? `${formatWaterClass(c as WaterClass, 'zh')}类`
    : `class ${formatWaterClass(c as WaterClass, 'en')}`;
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

function overridesZh(o: Record<string, { min?: number; max?: number }>): string {
  const parts = Object.entries(o).map(([k, v]) => (v.max !== undefined ? `${k}≤${v.max}` : `${k}≥${v.min}`));
  return parts.length > 0 ? `（${parts.join('，')}）` : '';
}

function overridesEn(o: Record<string, { min?: number; max?: number }>): string {
  const parts = Object.entries(o).map(([k, v]) =>
    v.max !== undefined ? `${k} ≤ ${v.max}` : `${k} ≥ ${v.min}`,
  );
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
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
