/**
 * "细颗粒物（PM2.5）年均浓度、三年滑动平均浓度持续下降" (TZ20-AIR-01b, 000:2020; BDA20-AIR-01b, 004:17): the mean of
 * the last `years` annual means (this year's mean so far standing in for its annual mean) must be below the
 * same mean one year earlier. Each past annual mean must itself be valid (GB 3095: 324 valid days); the
 * comparison is at the metric's decimals, strictly lower unless `tie_is_improvement`. Not decreasing is
 * at_risk before the year ends and breached at the end.
 */
import { z } from 'zod';
import { fmt, heads, round, verdictEn, verdictZh } from './explain.js';
import { coverageOf, hasEnoughData, startSeriesRule } from './inputs/prepare.js';
import { readWindows, versionOf, type Window, type WindowStats } from './inputs/series-windows.js';
import { defineRuleKind, reportingRuleParams, type EvaluationStatus, type RuleResult } from './rule-kind.js';

const params = reportingRuleParams({
  years: z.int().min(2).max(10).default(3),
  tie_is_improvement: z.boolean().default(false),
});
type Params = z.infer<typeof params>;

export const rollingMeanDecrease = defineRuleKind<Params>({
  kind: 'rolling_mean_decrease',
  params,
  periodKinds: () => ['year'],
  lookbackYears: (p) => p.years,
  async evaluate(ctx, p, items) {
    const { metric, decimals, asOf, excl } = await startSeriesRule(ctx, items, {
      input: 'daily',
      decimals: p.decimals,
      lookbackYears: p.years,
    });
    const windows: Window[] = [];
    items.forEach((it, i) => {
      const d = asOf.get(i);
      if (!d) return;
      windows.push({
        key: `${i}|0`,
        scopeId: it.scopeId,
        from: it.period.from,
        to: d,
        excluded: excl.of(it.scopeId, it.period.from, d),
      });
      for (let k = 1; k <= p.years; k++) {
        const y = it.period.year - k;
        const r = { from: `${y}-01-01`, to: `${y}-12-31` };
        windows.push({
          key: `${i}|${k}`,
          scopeId: it.scopeId,
          ...r,
          excluded: excl.of(it.scopeId, r.from, r.to),
        });
      }
    });
    const stats = await readWindows(ctx.db, 'daily', metric.id, windows);
    const byKey = new Map(windows.map((w) => [w.key, w]));

    return items.map((it, i): RuleResult => {
      const [hz, he] = heads(ctx, it);
      const d = asOf.get(i);
      const annual: (WindowStats | undefined)[] = [];
      for (let k = 0; k <= p.years; k++) annual.push(stats.get(`${i}|${k}`));
      const missing = annual
        .map((s, k) => ({ s, k }))
        .filter(({ s, k }) => !d || !hasEnoughData('daily', s, byKey.get(`${i}|${k}`)!, p.min_coverage))
        .map(({ k }) => it.period.year - k);
      // What every result of the item says alike: as of its last day of data (or `until` when it has none).
      const base = {
        asOf: d ?? it.until,
        coverage: coverageOf(annual[0]),
        dataVersion: versionOf(...annual),
      };
      if (!d || missing.length > 0) {
        return {
          ...base,
          final: false,
          status: 'insufficient_data',
          value: null,
          threshold: null,
          explanationZh: `${hz}缺少${missing.join('、')}年的有效年均值，无法计算${p.years}年滑动平均。`,
          explanationEn: `${he}no valid annual mean for ${missing.join(', ')}; the ${p.years}-year moving average cannot be computed.`,
          details: { missingYears: missing },
        };
      }
      const means = annual.map((s) => s!.sum / s!.n);
      const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const current = avg(means.slice(0, p.years));
      const previous = avg(means.slice(1, p.years + 1));
      const a = round(current, decimals);
      const b = round(previous, decimals);
      const final = d >= it.period.to;
      const improved = a < b || (p.tie_is_improvement && a === b);
      const status: EvaluationStatus = improved ? 'met' : final ? 'breached' : 'at_risk';
      const listZh = means.map((m, k) => `${it.period.year - k}年${fmt(m, decimals)}`).join('，');
      const first = it.period.year - p.years + 1;
      return {
        ...base,
        final,
        status,
        value: current,
        threshold: previous,
        explanationZh:
          `${hz}年均值（本年截至${d}）：${listZh}；${first}—${it.period.year}年滑动平均${fmt(current, decimals)}，` +
          `上一期（${first - 1}—${it.period.year - 1}年）${fmt(previous, decimals)}${metric.unitZh}。${verdictZh(status, final)}`,
        explanationEn:
          `${he}annual means (this year up to ${d}): ${means.map((m, k) => `${it.period.year - k} ${fmt(m, decimals)}`).join(', ')}; ` +
          `${p.years}-year moving average ${first}-${it.period.year} ${fmt(current, decimals)} against ${fmt(previous, decimals)} ` +
          `${metric.unit} for ${first - 1}-${it.period.year - 1}. ${verdictEn(status, final)}`,
        details: { annualMeans: means, rounded: a, previousRounded: b },
      };
    });
  },
});
