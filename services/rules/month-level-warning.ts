/**
 * A monthly early-warning reading beside a "左右" annual level (issue #19). The plans judge dust fall "控制在
 * 5 吨/平方公里·月左右" on the annual mean of the monthly values (§8 q.5), so a single month far beyond the
 * level (half again, say) never moved the annual verdict and nobody was told. This kind reads one month:
 * above level × factor it is `breached` — of the warning reading, not of the plan's target, which the annual
 * target keeps deciding; the target is declared soft, so its alert is a notice. A month a sand-dust period
 * touches is left out when the target excludes sand dust (扣除沙尘影响), as the annual mean leaves it out.
 */
import { z } from 'zod';
import { fmt, heads, round, verdictEn, verdictZh } from './explain.js';
import { decimalsOf, loadExclusions } from './inputs/prepare.js';
import { readWindows, versionOf, type Window } from './inputs/series-windows.js';
import { defineRuleKind, type RuleResult, REPORTING_PARAMS } from './rule-kind.js';

const params = z.strictObject({
  /** The monthly level the annual target names (降尘 5 吨/平方公里·月). */
  level: z.number().positive(),
  /** A month above level × factor is named (1.5 = half again the level). */
  factor: z.number().min(1).default(1.5),
  /** The annual target this reading warns for, named in the explanation. */
  annual_target: z.string().min(1),
  decimals: REPORTING_PARAMS.decimals,
});
type Params = z.infer<typeof params>;

export const monthLevelWarning = defineRuleKind<Params>({
  kind: 'month_level_warning',
  params,
  periodKinds: () => ['month'],
  lookbackYears: () => 0,
  async evaluate(ctx, p, items) {
    const { target } = ctx;
    const decimals = decimalsOf(ctx, p);
    const from = items.reduce((m, i) => (i.period.from < m ? i.period.from : m), items[0]!.period.from);
    const to = items.reduce((m, i) => (i.period.to > m ? i.period.to : m), items[0]!.period.to);
    const excl = await loadExclusions(
      ctx,
      'monthly',
      items.map((i) => i.scopeId),
      from,
      to,
    );
    const windows: Window[] = items.map((it, i) => ({
      key: `${i}`,
      scopeId: it.scopeId,
      from: it.period.from,
      to: it.period.to,
      excluded: excl.of(it.scopeId, it.period.from, it.period.to),
    }));
    const stats = await readWindows(ctx.db, 'monthly', target.metric.id, windows);
    const warnAt = round(p.level * p.factor, decimals);
    const unitZh = target.metric.unitZh;
    const unit = target.metric.unit;
    const monthZh = (key: string) => `${Number(key.slice(5))}月`;

    return items.map((it, i): RuleResult => {
      const [hz, he] = heads(ctx, it);
      const s = stats.get(`${i}`);
      const excluded = windows[i]!.excluded.length > 0;
      const final = it.until >= it.period.to;
      const base = { asOf: it.period.to, threshold: warnAt, dataVersion: versionOf(s) };
      if (!s || s.n === 0) {
        const [zh, en] = excluded
          ? ['该月受沙尘影响，已扣除，不作预警', 'the month is excluded for sand dust; no warning']
          : ['该月无有效数据', 'no valid value for the month'];
        return {
          ...base,
          asOf: it.until < it.period.to ? it.until : it.period.to,
          final: final && excluded,
          status: 'insufficient_data',
          value: null,
          coverage: 0,
          explanationZh: `${hz}${zh}。`,
          explanationEn: `${he}${en}.`,
          details: { excluded },
        };
      }
      const value = s.sum / s.n;
      const status = round(value, decimals) > warnAt ? 'breached' : 'met';
      const ratio = value / p.level;
      const readingZh =
        status === 'breached'
          ? `${monthZh(it.period.key)}${target.metric.nameZh}${fmt(value, decimals)}${unitZh}，为月度水平${p.level}的${ratio.toFixed(1)}倍，超过预警值${warnAt}（${p.factor}倍）`
          : `${monthZh(it.period.key)}${target.metric.nameZh}${fmt(value, decimals)}${unitZh}，未超过预警值${warnAt}（月度水平${p.level}的${p.factor}倍）`;
      const readingEn =
        status === 'breached'
          ? `${it.period.key} ${target.metric.nameEn} ${fmt(value, decimals)} ${unit}, ${ratio.toFixed(1)} times the monthly level ${p.level}, above the warning value ${warnAt} (${p.factor}×)`
          : `${it.period.key} ${target.metric.nameEn} ${fmt(value, decimals)} ${unit}, not above the warning value ${warnAt} (${p.factor}× the monthly level ${p.level})`;
      return {
        ...base,
        final,
        status,
        value,
        coverage: 1,
        explanationZh: `${hz}${readingZh}。本项为月度预警，全年是否达标仍按${p.annual_target}的年均值判断。${verdictZh(status, final)}`,
        explanationEn: `${he}${readingEn}. A monthly early warning; the year is still judged on the annual mean (${p.annual_target}). ${verdictEn(status, final)}`,
        details: { level: p.level, factor: p.factor, warnAt, annualTarget: p.annual_target },
      };
    });
  },
});
