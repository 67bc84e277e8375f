/**
 * A unit judged against the others — the 2020 and 2021 PM2.5 tiering of streets/towns and the 2021 dust
 * fall clause. Met when any listed alternative holds:
 * - level: the unit's mean ≤ reference + its tier offset ("不高于通州区年均值 1微克/立方米", 000:2023-2030;
 *   "不高于全区各街道乡镇年均值2微克/立方米", 001:35), inclusive, compared at the metric's decimals;
 * - improvement_above_average: its improvement rate above the average rate ("改善幅度超过全区各街道乡镇平均改善率",
 *   001:35, strict) or not below it (`improvement_inclusive`, "改善幅度不低于全区平均水平", 001:422);
 * - improved: its mean below last year's same window ("持续改善", 001:422).
 * The arithmetic is in reference-math.ts. Every unit's result depends on all units, so the rule is
 * cross-scope: the engine re-evaluates them all when one changes. All units share one as_of (the latest
 * day any of them has), so the reference is over one window. Before the year ends: failing every
 * alternative is at_risk; at the end, breached. An alternative that cannot be computed leaves the result
 * insufficient_data unless another one holds.
 */
import { z } from 'zod';
import { sameRangeLastYear } from '../time/periods.js';
import { fmt, headEn, headZh, pct, round, verdictEn, verdictZh } from './explain.js';
import { coverageOf, decimalsOf, hasEnoughData, loadExclusions, lookbackStart } from './inputs/prepare.js';
import { lastDataDays, readWindows, versionOf, type Window } from './inputs/series-windows.js';
import { averageRate, improvementRate, referenceLevel, type UnitMeans } from './reference-math.js';
import { defineRuleKind, seriesRuleParams, type EvaluationStatus, type RuleResult } from './rule-kind.js';

const id = z.string().regex(/^[a-z][a-z0-9_]*$/);
const ALTERNATIVES = ['level', 'improvement_above_average', 'improved'] as const;
type Alternative = (typeof ALTERNATIVES)[number];

const params = seriesRuleParams({
  reference: z.enum(['district', 'mean_of_units']).default('mean_of_units'),
  tiers: z.array(z.strictObject({ offset: z.number().min(0), areas: z.array(id).min(1) })).default([]),
  alternatives: z.array(z.enum(ALTERNATIVES)).min(1),
  average_rate: z
    .enum(['mean_of_unit_rates', 'rate_of_unit_mean', 'district_rate'])
    .default('mean_of_unit_rates'),
  rate: z.enum(['relative', 'absolute']).default('relative'),
  improvement_inclusive: z.boolean().default(false),
  tie_is_improvement: z.boolean().default(false),
});
type Params = z.infer<typeof params>;

const needsLastYear = (p: Params) => p.alternatives.some((a) => a !== 'level');

export const relativeToReference = defineRuleKind<Params>({
  kind: 'relative_to_reference',
  params,
  periodKinds: () => ['year'],
  lookbackYears: (p) => (needsLastYear(p) ? 1 : 0),
  crossScope: () => true,
  references: (p) => ({ areas: p.tiers.flatMap((t) => t.areas) }),
  async evaluate(ctx, p, items) {
    const out: RuleResult[] = new Array<RuleResult>(items.length);
    const byPeriod = new Map<string, number[]>();
    items.forEach((it, i) => byPeriod.set(it.period.key, [...(byPeriod.get(it.period.key) ?? []), i]));
    for (const idx of byPeriod.values()) {
      const results = await evaluatePeriod(
        ctx,
        p,
        idx.map((i) => items[i]!),
      );
      idx.forEach((i, k) => (out[i] = results[k]!));
    }
    return out;
  },
});

async function evaluatePeriod(
  ctx: Parameters<typeof relativeToReference.evaluate>[0],
  p: Params,
  items: Parameters<typeof relativeToReference.evaluate>[2],
): Promise<RuleResult[]> {
  const { target } = ctx;
  const { period, until } = items[0]!;
  const decimals = decimalsOf(ctx, p);
  const units = ctx.scopesOf(period);
  const withDistrict = p.reference === 'district' || p.average_rate === 'district_rate';
  const all = withDistrict ? [...units, target.district] : units;
  const last = await lastDataDays(ctx.db, p.input, target.metric.id, all, period.from, until);
  const asOf = [...last.values()].sort().at(-1);
  if (!asOf) {
    return items.map((it) => ({
      asOf: it.until,
      final: false,
      status: 'insufficient_data',
      value: null,
      threshold: null,
      coverage: 0,
      dataVersion: 'none',
      explanationZh: `${headZh(ctx, it.scopeId, period)}截至${it.until}无数据，无法判断。`,
      explanationEn: `${headEn(ctx, it.scopeId, period)}no data up to ${it.until}; cannot decide.`,
      details: {},
    }));
  }
  const excl = await loadExclusions(ctx, p.input, all, lookbackStart(items, 1), period.to);
  const cur = { from: period.from, to: asOf };
  const ly = sameRangeLastYear(cur);
  const windows: Window[] = all.flatMap((s) => [
    { key: `${s}|cur`, scopeId: s, ...cur, excluded: excl.of(s, cur.from, cur.to) },
    ...(needsLastYear(p)
      ? [{ key: `${s}|ly`, scopeId: s, ...ly, excluded: excl.of(s, ly.from, ly.to) }]
      : []),
  ]);
  const stats = await readWindows(ctx.db, p.input, target.metric.id, windows);
  const means = (s: string): UnitMeans => {
    const c = stats.get(`${s}|cur`);
    const l = stats.get(`${s}|ly`);
    return {
      scopeId: s,
      current: hasEnoughData(p.input, c, cur, p.min_coverage) ? round(c!.sum / c!.n, decimals) : null,
      previous: hasEnoughData(p.input, l, ly, p.min_coverage) ? round(l!.sum / l!.n, decimals) : null,
    };
  };
  const unitMeans = units.map(means);
  const district = withDistrict ? means(target.district) : null;
  const ref = referenceLevel(p.reference, unitMeans, district, decimals);
  const avg = averageRate(p.average_rate, unitMeans, district, p.rate, decimals);
  const offsetOf = new Map(p.tiers.flatMap((t) => t.areas.map((a) => [a, t.offset] as const)));
  const final = asOf >= period.to;
  const refZh =
    p.reference === 'district' ? `${ctx.scopes.nameZh(target.district)}均值` : '全区各街道乡镇均值';
  const refEn =
    p.reference === 'district'
      ? `the ${ctx.scopes.nameEn(target.district)} mean`
      : 'the mean of the streets/towns';
  const showRate = (r: number | null) => (p.rate === 'relative' ? pct(r) : fmt(r, decimals));

  return items.map((it): RuleResult => {
    const u = unitMeans.find((m) => m.scopeId === it.scopeId) ?? means(it.scopeId);
    const offset = p.tiers.length === 0 ? 0 : offsetOf.get(it.scopeId);
    const limit = ref !== null && offset !== undefined ? round(ref + offset, decimals) : null;
    const rate =
      u.current !== null && u.previous !== null
        ? improvementRate(u.current, u.previous, p.rate, decimals)
        : null;
    const checks: Record<Alternative, boolean | null> = {
      level: u.current !== null && limit !== null ? u.current <= limit : null,
      improvement_above_average:
        rate !== null && avg !== null ? (p.improvement_inclusive ? rate >= avg : rate > avg) : null,
      improved:
        u.current !== null && u.previous !== null
          ? u.current < u.previous || (p.tie_is_improvement && u.current === u.previous)
          : null,
    };
    const results = p.alternatives.map((a) => checks[a]);
    const status: EvaluationStatus = results.some((r) => r === true)
      ? 'met'
      : results.some((r) => r === null)
        ? 'insufficient_data'
        : final
          ? 'breached'
          : 'at_risk';
    const yes = (r: boolean | null) =>
      r === null ? ['无法计算', 'cannot be computed'] : r ? ['满足', 'holds'] : ['不满足', 'fails'];
    const partsZh = p.alternatives.map((a, k) => {
      const mark = yes(checks[a])[0];
      if (a === 'level')
        return `（${k + 1}）${refZh}${fmt(ref, decimals)}+${offset ?? '?'}=${fmt(limit, decimals)}，本单位${fmt(u.current, decimals)}，${mark}`;
      if (a === 'improved')
        return `（${k + 1}）去年同期${fmt(u.previous, decimals)}，本年${fmt(u.current, decimals)}，${mark}`;
      return `（${k + 1}）改善${showRate(rate)}，平均改善${showRate(avg)}（${p.improvement_inclusive ? '不低于' : '超过'}），${mark}`;
    });
    const partsEn = p.alternatives.map((a, k) => {
      const mark = yes(checks[a])[1];
      if (a === 'level')
        return `(${k + 1}) ${refEn} ${fmt(ref, decimals)} + ${offset ?? '?'} = ${fmt(limit, decimals)}, unit ${fmt(u.current, decimals)}: ${mark}`;
      if (a === 'improved')
        return `(${k + 1}) last year ${fmt(u.previous, decimals)}, this year ${fmt(u.current, decimals)}: ${mark}`;
      return `(${k + 1}) improvement ${showRate(rate)} against the average ${showRate(avg)} (${p.improvement_inclusive ? 'at least' : 'above'}): ${mark}`;
    });
    const c = stats.get(`${it.scopeId}|cur`);
    return {
      asOf,
      final,
      status,
      value: u.current,
      threshold: limit ?? u.previous,
      coverage: coverageOf(c),
      dataVersion: versionOf(c, stats.get(`${it.scopeId}|ly`)),
      explanationZh: `${headZh(ctx, it.scopeId, period)}${period.from}至${asOf}：${partsZh.join('；')}。满足任一项即达标。${verdictZh(status, final)}`,
      explanationEn: `${headEn(ctx, it.scopeId, period)}${period.from} to ${asOf}: ${partsEn.join('; ')}. Any one suffices. ${verdictEn(status, final)}`,
      details: {
        reference: ref,
        offset: offset ?? null,
        limit,
        rate,
        averageRate: avg,
        checks,
        previous: u.previous,
        units: unitMeans.length,
      },
    };
  });
}
