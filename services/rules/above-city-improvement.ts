/**
 * "细颗粒物（PM2.5）年均浓度改善幅度超过全市平均水平" (TZ20-AIR-01c, 000:2020-2022): the district's improvement
 * rate on the same window last year must exceed the city's. The district's mean is that of its valid daily
 * values (as yoy_improvement); the city's is the mean of the monthly values the city publishes (`city_metric`,
 * ingested on the district's own series like the city ranks), over the months of the window that have ended.
 * Rates are relative, (prev − cur)/prev on the rounded means, rounded to 0.1 point as published (§8 q1);
 * "超过" is strict. Before the year ends a rate not above the city's is at_risk; at the end, breached.
 */
import { z } from 'zod';
import { sameRangeLastYear } from '../time/periods.js';
import { monthEndDay } from '../time/shanghai.js';
import { fmt, heads, pct, round, verdictEn, verdictZh } from './explain.js';
import { coverageOf, decimalsOf, hasEnoughData, resolveAsOf } from './inputs/prepare.js';
import {
  readWindows,
  versionOf,
  windowMean,
  type Window,
  type WindowStats,
} from './inputs/series-windows.js';
import { improvementRate } from './reference-math.js';
import {
  defineRuleKind,
  type EvaluationStatus,
  type RuleContext,
  type RuleItem,
  type RuleResult,
  reportingRuleParams,
} from './rule-kind.js';

const params = reportingRuleParams({ city_metric: z.string().regex(/^[a-z][a-z0-9_]*$/) });
type Params = z.infer<typeof params>;

export const aboveCityImprovement = defineRuleKind<Params>({
  kind: 'above_city_improvement',
  params,
  periodKinds: () => ['year'],
  inputMetrics: (t, p) => [t.metric, p.city_metric],
  references: (p) => ({ metrics: [p.city_metric] }),
  lookbackYears: () => 1,
  async evaluate(ctx, p, items) {
    const { target } = ctx;
    const decimals = decimalsOf(ctx, p);
    const asOf = await resolveAsOf(ctx, 'daily', target.metric.id, items);
    const daily: Window[] = [];
    const monthly: Window[] = [];
    items.forEach((it, i) => {
      const d = asOf.get(i);
      if (!d) return;
      const ly = sameRangeLastYear({ from: it.period.from, to: d });
      daily.push({ key: `${i}`, scopeId: it.scopeId, from: it.period.from, to: d, excluded: [] });
      daily.push({ key: `${i}|ly`, scopeId: it.scopeId, ...ly, excluded: [] });
      // The city publishes whole months: the months of the window that have ended by d.
      const to = monthEndDay(d.slice(0, 7)) === d ? d : prevMonthEnd(d);
      if (to < it.period.from) return;
      const lyTo = sameRangeLastYear({ from: it.period.from, to });
      monthly.push({ key: `${i}`, scopeId: it.scopeId, from: it.period.from, to, excluded: [] });
      monthly.push({ key: `${i}|ly`, scopeId: it.scopeId, ...lyTo, excluded: [] });
    });
    const district = await readWindows(ctx.db, 'daily', target.metric.id, daily);
    const city = await readWindows(ctx.db, 'monthly', p.city_metric, monthly);
    return items.map((it, i) =>
      judge(ctx, p, it, asOf.get(i), decimals, {
        cur: district.get(`${i}`),
        prev: district.get(`${i}|ly`),
        cityCur: city.get(`${i}`),
        cityPrev: city.get(`${i}|ly`),
      }),
    );
  },
});

function prevMonthEnd(day: string): string {
  const d = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
}

function judge(
  ctx: RuleContext,
  p: Params,
  it: RuleItem,
  d: string | undefined,
  decimals: number,
  s: { cur?: WindowStats; prev?: WindowStats; cityCur?: WindowStats; cityPrev?: WindowStats },
): RuleResult {
  const [hz, he] = heads(ctx, it);
  const mean = (w: WindowStats | undefined) => {
    const m = windowMean(w);
    return m === null ? null : round(m, decimals);
  };
  const ly = d ? sameRangeLastYear({ from: it.period.from, to: d }) : null;
  const enough =
    !!d &&
    hasEnoughData('daily', s.cur, { from: it.period.from, to: d }, p.min_coverage) &&
    hasEnoughData('daily', s.prev, ly!, p.min_coverage);
  const rateOf = (cur: number | null, prev: number | null) =>
    cur === null || prev === null ? null : improvementRate(cur, prev, 'relative', decimals);
  const rate = enough ? rateOf(mean(s.cur), mean(s.prev)) : null;
  const cityRate = rateOf(mean(s.cityCur), mean(s.cityPrev));
  // What every result of the item says alike: as of its last day of data (or `until` when it has none).
  const base = {
    asOf: d ?? it.until,
    coverage: coverageOf(s.cur),
    dataVersion: versionOf(s.cur, s.prev, s.cityCur, s.cityPrev),
  };
  if (!d || rate === null || cityRate === null) {
    const why =
      rate === null
        ? ['本区本年或上年同期有效数据不足', "the district's data are insufficient"]
        : ['缺少全市月均值', 'no city-wide monthly means'];
    return {
      ...base,
      final: false,
      status: 'insufficient_data',
      value: rate,
      threshold: cityRate,
      explanationZh: `${hz}${why[0]}，无法判断。`,
      explanationEn: `${he}${why[1]}; cannot decide.`,
      details: {},
    };
  }
  const final = d >= it.period.to;
  const status: EvaluationStatus = rate > cityRate ? 'met' : final ? 'breached' : 'at_risk';
  const cityMonths = s.cityCur!.n;
  return {
    ...base,
    final,
    status,
    value: rate,
    threshold: cityRate,
    explanationZh:
      `${hz}${it.period.from}至${d}本区均值${fmt(mean(s.cur), decimals)}，去年同期${fmt(mean(s.prev), decimals)}，改善${pct(rate)}；` +
      `全市${cityMonths}个月均值${fmt(mean(s.cityCur), decimals)}，去年同期${fmt(mean(s.cityPrev), decimals)}，改善${pct(cityRate)}；须超过全市。${verdictZh(status, final)}`,
    explanationEn:
      `${he}district mean ${fmt(mean(s.cur), decimals)} from ${it.period.from} to ${d} against ${fmt(mean(s.prev), decimals)} a year earlier, ${pct(rate)} better; ` +
      `city mean of ${cityMonths} month(s) ${fmt(mean(s.cityCur), decimals)} against ${fmt(mean(s.cityPrev), decimals)}, ${pct(cityRate)} better; the district must do better than the city. ${verdictEn(status, final)}`,
    details: { districtRate: rate, cityRate, cityMonths },
  };
}
