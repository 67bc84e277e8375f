/**
 * A limit every single test must keep: 道路尘土残存量 "严控区内道路…不高于8克/平方米，城市副中心其他道路（含背街
 * 小巷）…不高于10克/平方米" (TZ20-AIR-05a/b, 000:2066-2068), "重点区域…6克/平方米左右" (TZ21-AIR-06, 001:516).
 * Each test of a road is its own value (metric resolution `sample`), judged on its own, not averaged.
 *
 * Zones: the plans do not list which roads lie in the 严控区 (NOT IN SEEDS). A test taken there carries a zone
 * flag from the feed (`zone_flags`, default 严控区 / zone:strict); `zone: strict` judges only those, `other` the
 * rest, `any` all (docs/decisions.md). Comparison at the metric's decimals after GB/T 8170 rounding, inclusive.
 * With `approx` (左右) a test above max but within max × (1 + tolerance) makes the period at_risk; any test
 * beyond the (upper) limit breaches it at once, since later tests cannot undo it.
 */
import { z } from 'zod';
import { fmt, heads, noDataResult, round, verdictEn, verdictZh } from './explain.js';
import { decimalsOf } from './inputs/prepare.js';
import { itemSpan } from './inputs/item-span.js';
import { readSamples, type Sample } from './inputs/samples.js';
import {
  defineRuleKind,
  type DataVersion,
  type EvaluationStatus,
  type RuleResult,
  REPORTING_PARAMS,
} from './rule-kind.js';

const params = z.strictObject({
  max: z.number().positive(),
  approx: z.boolean().default(false),
  tolerance: z.number().min(0).max(1).default(0.1),
  zone: z.enum(['strict', 'other', 'any']).default('any'),
  zone_flags: z.array(z.string().min(1)).default(['严控区', 'zone:strict']),
  decimals: REPORTING_PARAMS.decimals,
});
type Params = z.infer<typeof params>;

const ZONE_ZH: Record<Params['zone'], string> = { strict: '严控区内', other: '严控区外', any: '' };
const ZONE_EN: Record<Params['zone'], string> = {
  strict: 'in the 严控区 ',
  other: 'outside the 严控区 ',
  any: '',
};

export const sampleLimit = defineRuleKind<Params>({
  kind: 'sample_limit',
  params,
  lookbackYears: () => 0,
  async evaluate(ctx, p, items) {
    const { target } = ctx;
    const decimals = decimalsOf(ctx, p);
    const samples = await readSamples(ctx.db, target.metric.id, itemSpan(items));
    const inZone = (s: Sample) => {
      if (p.zone === 'any') return true;
      const strict = s.flags.some((f) => p.zone_flags.includes(f));
      return p.zone === 'strict' ? strict : !strict;
    };
    const upper = p.approx ? round(p.max * (1 + p.tolerance), decimals) : p.max;
    const { unit, unitZh } = target.metric;

    return items.map((it): RuleResult => {
      const [hz, he] = heads(ctx, it);
      const list = (samples.get(it.scopeId) ?? []).filter(
        (s) => s.day >= it.period.from && s.day <= it.until && inZone(s),
      );
      const final = it.until >= it.period.to;
      const zoneZh = ZONE_ZH[p.zone];
      if (list.length === 0) {
        return noDataResult({
          asOf: it.until,
          final,
          threshold: p.max,
          coverage: null,
          explanationZh: `${hz}截至${it.until}无${zoneZh}${target.metric.nameZh}检测数据，无法判断。`,
          explanationEn: `${he}no ${ZONE_EN[p.zone]}${target.metric.nameEn} tests up to ${it.until}; cannot decide.`,
          details: { tests: 0 },
        });
      }
      const over = list.filter((s) => round(s.value, decimals) > p.max);
      const beyond = over.filter((s) => round(s.value, decimals) > upper);
      const worst = Math.max(...list.map((s) => s.value));
      const status: EvaluationStatus = beyond.length > 0 ? 'breached' : over.length > 0 ? 'at_risk' : 'met';
      const limitZh = p.approx ? `${p.max}左右（上限${upper}）` : `${p.max}`;
      const limitEn = p.approx ? `about ${p.max} (upper ${upper})` : `${p.max}`;
      const overZh = over.map(
        (s) => `${Number(s.day.slice(5, 7))}月${Number(s.day.slice(8))}日${fmt(s.value, decimals)}`,
      );
      const overEn = over.map((s) => `${s.day} ${fmt(s.value, decimals)}`);
      return {
        asOf: list.at(-1)!.day,
        final,
        status,
        value: worst,
        threshold: p.max,
        coverage: null,
        dataVersion: versionOf(list),
        explanationZh:
          `${hz}${it.period.from}至${it.until}${zoneZh}${target.metric.nameZh}检测${list.length}次，最大${fmt(worst, decimals)}${unitZh}，` +
          `限值${limitZh}${unitZh}，超过${p.max}的${over.length}次${over.length > 0 ? `（${overZh.join('、')}）` : ''}。${verdictZh(status, final)}`,
        explanationEn:
          `${he}${list.length} ${ZONE_EN[p.zone]}test(s) of ${target.metric.nameEn} from ${it.period.from} to ${it.until}, highest ${fmt(worst, decimals)} ${unit}, ` +
          `limit ${limitEn} ${unit}; ${over.length} above ${p.max}${over.length > 0 ? ` (${overEn.join(', ')})` : ''}. ${verdictEn(status, final)}`,
        details: { tests: list.length, over: over.length, beyondUpper: beyond.length, upperLimit: upper },
      };
    });
  },
});

function versionOf(list: readonly Sample[]): DataVersion {
  const v = list.map((s) => s.version);
  return Math.min(...v) === 1 ? 'audited' : Math.max(...v) === 0 ? 'provisional' : 'mixed';
}
