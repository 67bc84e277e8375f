/**
 * Year-on-year improvement of the mean so far (累计同比改善): "各街道乡镇 PM2.5累计浓度同比改善" (TZ24-AIR-05,
 * 002:2399-2402; TZ21-AIR-02a, 001:35), and at year end an annual mean below last year's (TZ21-AIR-01a,
 * BDA20-AIR-01a). With `input: monthly`, the mean of monthly values — e.g. a rank position (TZ21-AIR-05).
 *
 * The comparison window last year is the same calendar range (29 February maps to 28 February), with the
 * same sand-dust exclusions and the same validity rules (§8 q.4). Both means are rounded to the metric's
 * decimals; improvement is strictly lower ("改善"), and a tie counts only with `tie_is_improvement`.
 * Before the period ends this is a running status (the municipal 累计同比 practice): not improved so far is
 * at_risk; at the end it is breached. Projection: the mean the rest of the period must stay under for the
 * full period to end below last year's full-period mean.
 */
import { z } from 'zod';
import { sameRangeLastYear } from '../time/periods.js';
import { addDays, daysBetween } from '../time/shanghai.js';
import { fmt, heads, pct, round, sandDustEn, sandDustZh, verdictEn, verdictZh } from './explain.js';
import { coverageOf, hasEnoughData, startSeriesRule } from './inputs/prepare.js';
import { monthsIn, readWindows, versionOf, windowMean, type Window } from './inputs/series-windows.js';
import { defineRuleKind, seriesRuleParams, type EvaluationStatus, type RuleResult } from './rule-kind.js';

const params = seriesRuleParams({ tie_is_improvement: z.boolean().default(false) });
type Params = z.infer<typeof params>;

export const yoyImprovement = defineRuleKind<Params>({
  kind: 'yoy_improvement',
  params,
  lookbackYears: () => 1,
  async evaluate(ctx, p, items) {
    const { metric, decimals, asOf, excl } = await startSeriesRule(ctx, items, { ...p, lookbackYears: 1 });
    const windows: Window[] = [];
    const win = (key: string, scopeId: string, r: { from: string; to: string }) =>
      windows.push({ key, scopeId, ...r, excluded: excl.of(scopeId, r.from, r.to) });
    items.forEach((it, i) => {
      const d = asOf.get(i);
      if (!d) return;
      win(`${i}`, it.scopeId, { from: it.period.from, to: d });
      win(`${i}|ly`, it.scopeId, sameRangeLastYear({ from: it.period.from, to: d }));
      if (d < it.period.to)
        win(`${i}|lyfull`, it.scopeId, sameRangeLastYear({ from: it.period.from, to: it.period.to }));
    });
    const stats = await readWindows(ctx.db, p.input, metric.id, windows);
    const unitZh = metric.unitZh;
    const unit = metric.unit;
    const excludedOf = new Map(windows.map((w) => [w.key, w.excluded.length]));

    return items.map((it, i): RuleResult => {
      const [hz, he] = heads(ctx, it);
      const d = asOf.get(i);
      const cur = stats.get(`${i}`);
      const prev = stats.get(`${i}|ly`);
      const ly = d ? sameRangeLastYear({ from: it.period.from, to: d }) : null;
      // What every result of the item says alike: as of its last day of data (or `until` when it has none).
      const base = { asOf: d ?? it.until, coverage: coverageOf(cur), dataVersion: versionOf(cur, prev) };
      const curOk = !!d && hasEnoughData(p.input, cur, { from: it.period.from, to: d }, p.min_coverage);
      if (!curOk || !hasEnoughData(p.input, prev, ly!, p.min_coverage)) {
        const which = !curOk ? ['本年', 'this year'] : ['上年同期', 'last year'];
        return {
          ...base,
          final: false,
          status: 'insufficient_data',
          value: windowMean(cur),
          threshold: windowMean(prev),
          explanationZh: `${hz}${which[0]}有效数据不足（本年${cur?.n ?? 0}/${cur?.expected ?? 0}，上年同期${prev?.n ?? 0}/${prev?.expected ?? 0}），无法判断。`,
          explanationEn: `${he}not enough valid data for ${which[1]} (this year ${cur?.n ?? 0}/${cur?.expected ?? 0}, last year ${prev?.n ?? 0}/${prev?.expected ?? 0}); cannot decide.`,
          details: {},
        };
      }
      const mean = cur!.sum / cur!.n;
      const prevMean = prev!.sum / prev!.n;
      const a = round(mean, decimals);
      const b = round(prevMean, decimals);
      const improved = a < b || (p.tie_is_improvement && a === b);
      const final = d >= it.period.to;
      const status: EvaluationStatus = improved ? 'met' : final ? 'breached' : 'at_risk';
      const rate = b !== 0 ? (b - a) / b : null;
      const fullPrev = windowMean(stats.get(`${i}|lyfull`));
      const remaining = final
        ? 0
        : p.input === 'daily'
          ? daysBetween(d, it.period.to)
          : monthsIn(addDays(d, 1), it.period.to).length;
      const required =
        fullPrev !== null && remaining > 0 ? (fullPrev * (cur!.n + remaining) - cur!.sum) / remaining : null;
      const diffZh =
        a < b
          ? `下降${fmt(b - a, decimals)}（改善${pct(rate)}）`
          : a === b
            ? '持平'
            : `上升${fmt(a - b, decimals)}`;
      const diffEn =
        a < b
          ? `down ${fmt(b - a, decimals)} (${pct(rate)} better)`
          : a === b
            ? 'level'
            : `up ${fmt(a - b, decimals)}`;
      const tieZh = a === b ? (p.tie_is_improvement ? '持平按改善计。' : '持平不算改善。') : '';
      const tieEn =
        a === b
          ? p.tie_is_improvement
            ? ' A tie counts as improvement.'
            : ' A tie is not an improvement.'
          : '';
      const reqZh =
        required !== null
          ? `全期须低于去年的${fmt(fullPrev, decimals)}，剩余时段须平均低于${fmt(Math.max(required, 0), decimals)}。`
          : '';
      const reqEn =
        required !== null
          ? ` To end below last year's ${fmt(fullPrev, decimals)}, the rest of the period must average below ${fmt(Math.max(required, 0), decimals)}.`
          : '';
      const excluded = excludedOf.get(`${i}`) ?? 0;
      const [stepZh, stepEn] = p.input === 'daily' ? ['天', 'days'] : ['个月', 'months'];
      return {
        ...base,
        final,
        status,
        value: mean,
        threshold: prevMean,
        explanationZh:
          `${hz}${it.period.from}至${d}有效${cur!.n}${stepZh}，均值${fmt(mean, decimals)}${unitZh}；去年同期（${ly!.from}至${ly!.to}）有效${prev!.n}${stepZh}，均值${fmt(prevMean, decimals)}${unitZh}；` +
          `${diffZh}。${tieZh}${sandDustZh(excluded, p.input === 'monthly')}${reqZh}${verdictZh(status, final)}`,
        explanationEn:
          `${he}mean ${fmt(mean, decimals)} ${unit} over ${cur!.n} valid ${stepEn} from ${it.period.from} to ${d} against ${fmt(prevMean, decimals)} ${unit} over ` +
          `${prev!.n} valid ${stepEn} for the same window last year (${ly!.from} to ${ly!.to}), ${diffEn}.${tieEn}${sandDustEn(excluded, p.input === 'monthly')}${reqEn} ${verdictEn(status, final)}`,
        details: {
          rounded: a,
          lastYearRounded: b,
          improvementRate: rate,
          lastYearWindow: ly,
          lastYearFullMean: fullPrev,
          requiredRemainingMean: required,
          validValues: cur!.n,
          lastYearValidValues: prev!.n,
        },
      };
    });
  },
});
