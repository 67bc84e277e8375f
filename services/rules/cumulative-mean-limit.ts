/**
 * An absolute limit on a mean over the period so far: 累计浓度 (TZ24-AIR-01 "PM2.5全年累计浓度达到35微克/立方米",
 * 002:2391), the Q1 mean (≤ 51, 002:2391-2392), an annual mean, or — with `input: monthly` — the mean of
 * monthly values (降尘量 ≤ 5.1, 001:408) and, on a month period, a single month's value.
 *
 * Comparison: the mean rounded (GB/T 8170) to the metric's decimals ≤ max, inclusive ("达到"/"控制在…以内"
 * = at most, docs/decisions.md); so exactly 35.0 is met and 35.06 is not.
 *
 * 左右 (`approx`, dust fall ≈ 5, 002:2415): above max but within max × (1 + tolerance) is at_risk, beyond
 * it breached (§8 q.6; tolerance 10 % unless the target sets another).
 *
 * Projection before the period ends: the mean the remaining days (months) must average for the period to
 * end at max, assuming they are all valid. Documented at_risk rule: at_risk when that required mean is
 * below what the same remaining window averaged last year — the rest of the period must then be cleaner
 * than it was a year ago; without last year's data, when it is below the mean so far. Breached early only
 * when even zero for the rest could not reach the limit.
 */
import { z } from 'zod';
import { addDays, daysBetween } from '../time/shanghai.js';
import { sameRangeLastYear } from '../time/periods.js';
import { fmt, heads, round, sandDustEn, sandDustZh, verdictEn, verdictZh } from './explain.js';
import { coverageOf, hasEnoughData, startSeriesRule } from './inputs/prepare.js';
import { monthsIn, readWindows, versionOf, windowMean, type Window } from './inputs/series-windows.js';
import { defineRuleKind, seriesRuleParams, type EvaluationStatus, type RuleResult } from './rule-kind.js';

const params = seriesRuleParams({
  max: z.number().positive(),
  approx: z.boolean().default(false),
  tolerance: z.number().min(0).max(1).default(0.1),
});
type Params = z.infer<typeof params>;

export const cumulativeMeanLimit = defineRuleKind<Params>({
  kind: 'cumulative_mean_limit',
  params,
  lookbackYears: () => 1, // the at_risk rule reads last year's remaining window
  async evaluate(ctx, p, items) {
    const { metric, decimals, asOf, excl } = await startSeriesRule(ctx, items, { ...p, lookbackYears: 1 });
    const windows: Window[] = [];
    const excludedCount = new Map<number, number>();
    items.forEach((it, i) => {
      const d = asOf.get(i);
      if (!d) return;
      const excluded = excl.of(it.scopeId, it.period.from, d);
      excludedCount.set(i, excluded.length);
      windows.push({ key: `${i}`, scopeId: it.scopeId, from: it.period.from, to: d, excluded });
      if (d < it.period.to) {
        const last = sameRangeLastYear({ from: addDays(d, 1), to: it.period.to });
        windows.push({
          key: `${i}|ly`,
          scopeId: it.scopeId,
          ...last,
          excluded: excl.of(it.scopeId, last.from, last.to),
        });
      }
    });
    const stats = await readWindows(ctx.db, p.input, metric.id, windows);
    const unitZh = metric.unitZh;
    const unit = metric.unit;

    return items.map((it, i): RuleResult => {
      const [hz, he] = heads(ctx, it);
      const d = asOf.get(i);
      const s = stats.get(`${i}`);
      const upTo = d ?? it.until;
      // What every result of the item says alike: as of its last day of data (or `until` when it has none).
      const base = { asOf: upTo, threshold: p.max, coverage: coverageOf(s), dataVersion: versionOf(s) };
      if (!d || !hasEnoughData(p.input, s, { from: it.period.from, to: d }, p.min_coverage)) {
        return {
          ...base,
          final: false,
          status: 'insufficient_data',
          value: windowMean(s),
          explanationZh: `${hz}截至${upTo}有效数据${s?.n ?? 0}个（应有${s?.expected ?? 0}个），不足以判断。`,
          explanationEn: `${he}${s?.n ?? 0} valid values of ${s?.expected ?? 0} expected up to ${upTo}; not enough to decide.`,
          details: { validValues: s?.n ?? 0, expected: s?.expected ?? 0 },
        };
      }
      const sum = s!.sum;
      const n = s!.n;
      const mean = sum / n;
      const v = round(mean, decimals);
      const upper = p.approx ? round(p.max * (1 + p.tolerance), decimals) : p.max;
      const final = d >= it.period.to;
      const remaining = final
        ? 0
        : p.input === 'daily'
          ? daysBetween(d, it.period.to)
          : monthsIn(addDays(d, 1), it.period.to).length;
      const required = remaining > 0 ? (p.max * (n + remaining) - sum) / remaining : null;
      const requiredUpper = remaining > 0 ? (upper * (n + remaining) - sum) / remaining : null;
      const lastYear = windowMean(stats.get(`${i}|ly`));
      let status: EvaluationStatus;
      if (final) status = v <= p.max ? 'met' : v <= upper ? 'at_risk' : 'breached';
      else if (requiredUpper !== null && requiredUpper <= 0) status = 'breached';
      else status = required !== null && required < (lastYear ?? mean) ? 'at_risk' : 'met';
      const step = p.input === 'daily' ? ['天', 'day(s)'] : ['个月', 'month(s)'];
      const limitZh = p.approx
        ? `${p.max}左右（容差${Math.round(p.tolerance * 100)}%，上限${upper}）`
        : `${p.max}`;
      const limitEn = p.approx
        ? `about ${p.max} (tolerance ${Math.round(p.tolerance * 100)}%, upper ${upper})`
        : `${p.max}`;
      const reqZh =
        required === null
          ? ''
          : `剩余${remaining}${step[0]}须平均不高于${fmt(Math.max(required, 0), decimals)}方能达到${p.max}` +
            (lastYear !== null ? `，去年同期剩余时段均值为${fmt(lastYear, decimals)}。` : '。');
      const reqEn =
        required === null
          ? ''
          : ` The remaining ${remaining} ${step[1]} must average at most ${fmt(Math.max(required, 0), decimals)} to reach ${p.max}` +
            (lastYear !== null ? `; the same window last year averaged ${fmt(lastYear, decimals)}.` : '.');
      return {
        ...base,
        final,
        status,
        value: mean,
        explanationZh:
          `${hz}${it.period.from}至${d}有效${n}${step[0]}（应有${s!.expected}${step[0]}），均值${fmt(mean, decimals)}${unitZh}，` +
          `目标${limitZh}${unitZh}。${sandDustZh(excludedCount.get(i) ?? 0, p.input === 'monthly')}${reqZh}${verdictZh(status, final)}`,
        explanationEn:
          `${he}${n} valid ${step[1]} of ${s!.expected} from ${it.period.from} to ${d}, mean ${fmt(mean, decimals)} ${unit}, ` +
          `target ${limitEn} ${unit}.${sandDustEn(excludedCount.get(i) ?? 0, p.input === 'monthly')}${reqEn} ${verdictEn(status, final)}`,
        details: {
          validValues: n,
          expected: s!.expected,
          rounded: v,
          upperLimit: upper,
          remaining,
          requiredRemainingMean: required,
          lastYearRemainingMean: lastYear,
        },
      };
    });
  },
});
