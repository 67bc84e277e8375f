/**
 * A number the responsible unit reports by hand each month (issue 16 item 4), judged against the plan's bound:
 * 月检查率要达到100% / 不低于60% (004:44, 001:520), 安全利用率达到90%以上 / 保持100% (000:4320, 001:1056,
 * 002:4201), 一般性遗撒处置不超过30分钟、大面积遗撒不超过1小时 (002:2986-2989), 雨后24小时内清理 (002:3800),
 * 黑臭问题当月完成整改、动态清零 (002:3859-3860).
 *
 * `min` / `max` are inclusive bounds at the metric's decimals (GB/T 8170 rounding, as every other kind).
 * Over a period of several months every reported month must keep the bound ("稳定达到", "保持"): the worst
 * month decides. An optional `at_risk_min` / `at_risk_max` makes a value between it and the bound at_risk
 * instead of breached — TZ24-SOIL-01 "达到100%，或者达到95%以上且当年依法处罚、整改到位" (002:4067): 95-100 %
 * is acceptable only with the penalties the bureau must check, so it warns. No report is insufficient data,
 * never a zero; a month with no report inside a longer period is named in the explanation.
 */
import { z } from 'zod';
import { fmt, headEn, headZh, noDataResult, round, verdictEn, verdictZh } from './explain.js';
import { itemSpan } from './inputs/item-span.js';
import { readReportedValues, type ReportedValue } from './inputs/reported-values.js';
import { monthEndDay } from '../time/shanghai.js';
import { defineRuleKind, REPORTING_PARAMS, type EvaluationStatus, type RuleResult } from './rule-kind.js';

const params = z
  .strictObject({
    min: z.number().optional(),
    max: z.number().optional(),
    at_risk_min: z.number().optional(),
    at_risk_max: z.number().optional(),
    decimals: REPORTING_PARAMS.decimals,
  })
  .refine((p) => (p.min === undefined) !== (p.max === undefined), 'exactly one of min and max')
  .refine((p) => p.at_risk_min === undefined || (p.min !== undefined && p.at_risk_min < p.min), {
    message: 'at_risk_min needs min and must be below it',
  })
  .refine((p) => p.at_risk_max === undefined || (p.max !== undefined && p.at_risk_max > p.max), {
    message: 'at_risk_max needs max and must be above it',
  });
type Params = z.infer<typeof params>;

function monthsIn(from: string, until: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const endKey = until.slice(0, 7);
  for (;;) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    if (key > endKey) return out;
    out.push(key);
    m += 1;
    if (m === 13) [y, m] = [y + 1, 1];
  }
}

export const reportedValue = defineRuleKind<Params>({
  kind: 'reported_value',
  params,
  lookbackYears: () => 0,
  periodKinds: () => ['month', 'quarter', 'year'],
  async evaluate(ctx, p, items) {
    const { target } = ctx;
    const { metric } = target;
    const decimals = p.decimals ?? metric.decimals;
    const values = await readReportedValues(ctx.db, metric.id, itemSpan(items));
    const lower = p.min !== undefined;
    const bound = (p.min ?? p.max)!;
    const riskBound = lower ? p.at_risk_min : p.at_risk_max;
    const opZh = lower ? '不低于' : '不高于';
    const opEn = lower ? 'at least' : 'at most';
    const unitZh = metric.unitZh === '%' ? '%' : metric.unitZh;
    const unitEn = metric.unit === '%' ? '%' : ` ${metric.unit}`;

    return items.map((it): RuleResult => {
      const hz = headZh(ctx, it.scopeId, it.period);
      const he = headEn(ctx, it.scopeId, it.period);
      const final = it.until >= it.period.to;
      const list: ReportedValue[] = (values.get(it.scopeId) ?? []).filter(
        (v) => v.month >= it.period.from.slice(0, 8) + '01' && v.month <= it.until,
      );
      const expected = monthsIn(it.period.from, it.until);
      const reported = new Set(list.map((v) => v.month.slice(0, 7)));
      const missing = expected.filter((m) => !reported.has(m));
      if (list.length === 0) {
        return noDataResult({
          asOf: it.until,
          final,
          threshold: bound,
          coverage: 0,
          explanationZh: `${hz}截至${it.until}责任单位未填报${metric.nameZh}，无法判断。`,
          explanationEn: `${he}the responsible unit has not reported ${metric.nameEn} up to ${it.until}; cannot decide.`,
          details: { reported: 0, missing },
        });
      }
      const worst = list.reduce((w, v) =>
        lower
          ? round(v.value, decimals) < round(w.value, decimals)
            ? v
            : w
          : round(v.value, decimals) > round(w.value, decimals)
            ? v
            : w,
      );
      const w = round(worst.value, decimals);
      const keeps = (x: number, b: number) => (lower ? x >= b : x <= b);
      const status: EvaluationStatus = keeps(w, bound)
        ? 'met'
        : riskBound !== undefined && keeps(w, riskBound)
          ? 'at_risk'
          : 'breached';
      const whenZh = `${Number(worst.month.slice(5, 7))}月`;
      const missingZh =
        missing.length > 0 ? `；${missing.map((m) => `${Number(m.slice(5))}月`).join('、')}未填报` : '';
      const missingEn = missing.length > 0 ? `; not reported for ${missing.join(', ')}` : '';
      const riskZh =
        status === 'at_risk'
          ? `（介于${fmt(riskBound!, decimals)}与${fmt(bound, decimals)}之间，须核实是否依法处罚、整改到位）`
          : '';
      const riskEn =
        status === 'at_risk'
          ? ` (between ${fmt(riskBound!, decimals)} and ${fmt(bound, decimals)}: check the penalties and fixes)`
          : '';
      const several = list.length > 1;
      return {
        asOf: minDay(monthEndDay(list.at(-1)!.month.slice(0, 7)), it.until),
        final: final && missing.length === 0,
        status,
        value: worst.value,
        threshold: bound,
        coverage: list.length / expected.length,
        dataVersion: 'audited',
        explanationZh:
          `${hz}责任单位填报${metric.nameZh}${several ? `${list.length}个月，最差为${whenZh}` : `（${whenZh}）`}` +
          `${fmt(worst.value, decimals)}${unitZh}，要求${opZh}${fmt(bound, decimals)}${unitZh}${riskZh}${missingZh}。` +
          verdictZh(status, final && missing.length === 0),
        explanationEn:
          `${he}${metric.nameEn} reported for ${list.length} month(s), ${several ? `worst ${worst.month.slice(0, 7)}` : worst.month.slice(0, 7)}: ` +
          `${fmt(worst.value, decimals)}${unitEn}, required ${opEn} ${fmt(bound, decimals)}${unitEn}${riskEn}${missingEn}. ` +
          verdictEn(status, final && missing.length === 0),
        details: {
          reported: list.length,
          worstMonth: worst.month.slice(0, 7),
          unitId: worst.unitId,
          missing,
        },
      };
    });
  },
});

function minDay(a: string, b: string): string {
  return a < b ? a : b;
}
