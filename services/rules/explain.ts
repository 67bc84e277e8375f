/**
 * Shared pieces of the explanations every evaluation carries (Chinese first): which clause, which scope
 * and period, then each rule's inputs and arithmetic. Numbers are shown at the metric's decimals after
 * GB/T 8170 rounding — the same rounding the comparison uses, so the text and the verdict never disagree.
 */
import { TARGET_STATUS_LABELS } from '../labels/catalogue.js';
import { roundGbt8170 } from '../standards/gbt8170-rounding.js';
import type { Period } from '../time/periods.js';
import type { EvaluationStatus, RuleContext, RuleResult } from './rule-kind.js';

/** Rounds for comparison and display (GB/T 8170, round half to even). */
export function round(value: number, decimals: number): number {
  return roundGbt8170(value, decimals);
}

export function fmt(value: number | null, decimals: number): string {
  return value === null ? '—' : round(value, decimals).toFixed(decimals);
}

export function pct(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

function periodZh(p: Period): string {
  if (p.kind === 'year') return `${p.year}年`;
  if (p.kind === 'quarter') return `${p.year}年第${p.key.slice(-1)}季度`;
  return `${p.year}年${Number(p.key.slice(5))}月`;
}

/** "北苑街道 · TZ24-AIR-05（002:2399-2402）各街道乡镇PM2.5累计浓度同比改善，2024年：" */
export function headZh(ctx: RuleContext, scopeId: string, period: Period): string {
  const t = ctx.target;
  return `${ctx.scopes.nameZh(scopeId)} · ${t.id}（${t.definition.source}）${t.definition.title_zh}，${periodZh(period)}：`;
}

export function headEn(ctx: RuleContext, scopeId: string, period: Period): string {
  const t = ctx.target;
  return `${ctx.scopes.nameEn(scopeId)} · ${t.id} (${t.definition.source}) ${t.definition.title_en}, ${period.key}: `;
}

/** An item's heading in both languages (where, which target, which period): every explanation opens with it. */
export function heads(ctx: RuleContext, it: { scopeId: string; period: Period }): [zh: string, en: string] {
  return [headZh(ctx, it.scopeId, it.period), headEn(ctx, it.scopeId, it.period)];
}

/** The verdict words come from the one catalogue, so an explanation says what the alert and report say. */
/**
 * The verdict of a rule that found no data at all for the item (no report, no test): insufficient data, no
 * value and no data version; the rule says what was missing in its own words.
 */
export function noDataResult(r: Omit<RuleResult, 'status' | 'value' | 'dataVersion'>): RuleResult {
  return { ...r, status: 'insufficient_data', value: null, dataVersion: 'none' };
}

export function verdictZh(status: EvaluationStatus, final: boolean): string {
  const word = TARGET_STATUS_LABELS[status].zh;
  return final ? `结论：${word}。` : `当前判断：${word}（期末前为预判）。`;
}

export function verdictEn(status: EvaluationStatus, final: boolean): string {
  const word = TARGET_STATUS_LABELS[status].en;
  return final ? `Verdict: ${word}.` : `Current status: ${word} (a projection until the period ends).`;
}

export function sandDustZh(excluded: number, monthly = false): string {
  return excluded > 0 ? `已扣除沙尘影响${excluded}${monthly ? '个月' : '天'}。` : '';
}

export function sandDustEn(excluded: number, monthly = false): string {
  return excluded > 0 ? ` ${excluded} sand-dust ${monthly ? 'month(s)' : 'day(s)'} excluded.` : '';
}
