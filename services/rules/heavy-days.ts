/**
 * Heavy-pollution days (重污染天数): "全年重污染天数不超过 4 天（扣除沙尘影响），一季度重污染天数不超过 3 天（扣除沙尘影响）"
 * (TZ24-AIR-03/04, 002:2392-2393), or "重污染天数力争继续下降" — fewer than last year (TZ21-AIR-01b, 001:27).
 *
 * A heavy day is a day whose daily AQI is above 200 (重度污染 and worse, HJ 633; §8 q.8). With 扣除沙尘影响 a
 * day touched by a sand-dust period is neither counted nor expected (docs/decisions.md). The verdict and the
 * at_risk rule are those of count-allowance.ts; the remaining allowance is in every explanation.
 */
import { z } from 'zod';
import { sameRangeLastYear } from '../time/periods.js';
import { addDays } from '../time/shanghai.js';
import { allowedBelow, countRuleText, countVerdict } from './count-allowance.js';
import { heads, sandDustEn, sandDustZh, verdictEn, verdictZh } from './explain.js';
import { AQI_INPUT_METRICS, lastAqiDays, readAqiWindows, type AqiStats } from './inputs/aqi-windows.js';
import { DEFAULT_MIN_COVERAGE_DAILY, loadItemExclusions } from './inputs/prepare.js';
import type { Window } from './inputs/series-windows.js';
import { defineRuleKind, type DataVersion, type RuleResult } from './rule-kind.js';

const params = z
  .strictObject({
    max: z.int().min(0).optional(),
    fewer_than_last_year: z.boolean().optional(),
    zero_baseline: z.enum(['met', 'breached']).default('met'),
    aqi_above: z.int().min(0).max(500).default(200),
    min_coverage: z.number().min(0).max(1).default(DEFAULT_MIN_COVERAGE_DAILY),
  })
  .refine((p) => (p.max !== undefined) !== (p.fewer_than_last_year === true), {
    message: 'set exactly one of max and fewer_than_last_year',
  });
type Params = z.infer<typeof params>;

export const heavyDays = defineRuleKind<Params>({
  kind: 'heavy_days',
  params,
  inputMetrics: () => AQI_INPUT_METRICS,
  lookbackYears: () => 1,
  async evaluate(ctx, p, items) {
    const excl = await loadItemExclusions(ctx, 'daily', items, 1);
    const asOf = new Map<number, string>();
    for (const [i, it] of items.entries()) {
      const last = await lastAqiDays(ctx.db, [it.scopeId], it.period.from, it.until);
      const d = last.get(it.scopeId);
      if (d) asOf.set(i, d);
    }
    const windows: Window[] = [];
    const win = (key: string, scopeId: string, from: string, to: string) =>
      windows.push({ key, scopeId, from, to, excluded: excl.of(scopeId, from, to) });
    items.forEach((it, i) => {
      const d = asOf.get(i);
      if (!d) return;
      win(`${i}`, it.scopeId, it.period.from, d);
      if (p.fewer_than_last_year) {
        const ly = sameRangeLastYear({ from: it.period.from, to: it.period.to });
        win(`${i}|lyfull`, it.scopeId, ly.from, ly.to);
      }
      if (d < it.period.to) {
        const ly = sameRangeLastYear({ from: addDays(d, 1), to: it.period.to });
        win(`${i}|lyrem`, it.scopeId, ly.from, ly.to);
      }
    });
    const stats = await readAqiWindows(ctx.db, p.aqi_above, windows);
    const enough = (s: AqiStats | undefined) =>
      !!s && s.expected > 0 && s.days / s.expected >= p.min_coverage - 1e-9;

    return items.map((it, i): RuleResult => {
      const [hz, he] = heads(ctx, it);
      const d = asOf.get(i);
      const s = stats.get(`${i}`);
      const lyFull = stats.get(`${i}|lyfull`);
      if (!d || !s || (p.fewer_than_last_year && !enough(lyFull))) {
        const why = !d
          ? ['无日AQI数据', 'no daily AQI']
          : ['缺少上年同期完整数据', "last year's data is incomplete"];
        return {
          asOf: d ?? it.until,
          final: false,
          status: 'insufficient_data',
          value: s?.heavy ?? null,
          threshold: p.max ?? null,
          coverage: s && s.expected > 0 ? s.days / s.expected : null,
          dataVersion: versionOf(s),
          explanationZh: `${hz}${why[0]}，无法判断。`,
          explanationEn: `${he}${why[1]}; cannot decide.`,
          details: { lastYearDays: lyFull?.days ?? null },
        };
      }
      const allowed = p.max ?? allowedBelow(lyFull!.heavy, p.zero_baseline);
      const final = d >= it.period.to;
      const lyRem = stats.get(`${i}|lyrem`);
      const { status, allowance } = countVerdict({
        count: s.heavy,
        allowed,
        final,
        enoughData: enough(s),
        lastYearRemaining: enough(lyRem) ? lyRem!.heavy : null,
      });
      const rule = countRuleText(
        { max: p.max, lastYear: lyFull?.heavy ?? 0, allowed, zeroBaseline: p.zero_baseline },
        { zh: '天', en: '' },
        it.period.kind === 'year' ? '上年全年' : '去年同期',
      );
      const datesZh = s.heavy > 0 ? `（${s.heavyDays.map(dayZh).join('、')}）` : '';
      const datesEn = s.heavy > 0 ? ` (${s.heavyDays.join(', ')})` : '';
      const leftZh =
        final || allowance < 0
          ? ''
          : allowance === 0
            ? '剩余额度0天：再出现1天重污染即未达标。'
            : `剩余额度${allowance}天。`;
      const leftEn =
        final || allowance < 0
          ? ''
          : allowance === 0
            ? ' No allowance left: one more heavy day breaks the target.'
            : ` ${allowance} day(s) of allowance left.`;
      const lyZh = lyRem && enough(lyRem) ? `去年同期剩余时段有${lyRem.heavy}天重污染。` : '';
      const lyEn = lyRem && enough(lyRem) ? ` The same remaining window last year had ${lyRem.heavy}.` : '';
      return {
        asOf: d,
        final,
        status,
        value: s.heavy,
        threshold: allowed,
        coverage: s.expected > 0 ? s.days / s.expected : null,
        dataVersion: versionOf(s),
        explanationZh:
          `${hz}${it.period.from}至${d}有日AQI数据${s.days}天（应有${s.expected}天），重污染天（AQI>${p.aqi_above}）${s.heavy}天${datesZh}，` +
          `${rule.zh}。${sandDustZh(windows.find((w) => w.key === `${i}`)!.excluded.length)}${leftZh}${lyZh}${verdictZh(status, final)}`,
        explanationEn:
          `${he}${s.days} days with a daily AQI of ${s.expected} expected from ${it.period.from} to ${d}; ${s.heavy} heavy-pollution ` +
          `day(s) (AQI > ${p.aqi_above})${datesEn}, ${rule.en}.${sandDustEn(windows.find((w) => w.key === `${i}`)!.excluded.length)}${leftEn}${lyEn} ${verdictEn(status, final)}`,
        details: {
          heavyDays: s.heavy,
          daysWithAqi: s.days,
          expected: s.expected,
          allowed,
          allowance,
          lastYearCount: lyFull?.heavy ?? null,
        },
      };
    });
  },
});

/** 2024-01-10 → 1月10日 */
function dayZh(day: string): string {
  return `${Number(day.slice(5, 7))}月${Number(day.slice(8))}日`;
}

function versionOf(s: AqiStats | undefined): DataVersion {
  if (!s || s.minVersion === null) return 'none';
  if (s.minVersion === 1) return 'audited';
  return s.maxVersion === 0 ? 'provisional' : 'mixed';
}
