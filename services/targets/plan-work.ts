/**
 * Which (target, scope, period) to evaluate. From the evaluation queue: a changed (scope, metric, day) touches
 * the targets whose rule reads that metric, in the period containing the day — and, for rules that compare
 * with earlier years (同比, three-year means, last year's pace), the period one or more years later, so a
 * revision of last year's data re-evaluates this year's targets. A rule whose units are judged against each
 * other (a reference mean) re-evaluates all its units when one changes. From a sweep: every period that has
 * started and ended no more than `graceDays` ago (audited data revises the previous month early in the next).
 * Work is keyed by (target, scope, period), which is the debounce: a burst of keys becomes one evaluation.
 */
import type { Period } from '../time/periods.js';
import { parsePeriod } from '../time/periods.js';
import { addDays } from '../time/shanghai.js';
import { ruleOf } from '../rules/index.js';
import type { LoadedTarget } from '../rules/rule-kind.js';
import type { ScopeIndex } from './scope-index.js';

export interface QueueKey {
  scope_id: string;
  metric_id: string;
  day: string;
}

export interface WorkItem {
  target: LoadedTarget;
  scopeId: string;
  period: Period;
}

/** Every period of a target in its year. */
export function periodsOf(target: LoadedTarget): Period[] {
  const y = target.year;
  switch (target.definition.period) {
    case 'year':
      return [parsePeriod(`${y}`)];
    case 'q1':
      return [parsePeriod(`${y}-Q1`)];
    case 'quarter':
      return [1, 2, 3, 4].map((q) => parsePeriod(`${y}-Q${q}`));
    case 'month':
      return Array.from({ length: 12 }, (_, m) => parsePeriod(`${y}-${String(m + 1).padStart(2, '0')}`));
  }
}

interface Prepared {
  target: LoadedTarget;
  inputs: ReadonlySet<string>;
  lookback: number;
  crossScope: boolean;
  periods: { period: Period; scopes: string[]; scopeSet: Set<string> }[];
}

function prepare(targets: readonly LoadedTarget[], index: ScopeIndex, today: string): Prepared[] {
  const out: Prepared[] = [];
  for (const target of targets) {
    const rule = ruleOf(target.definition.rule);
    if (!rule) continue;
    const params = rule.params as never;
    const periods = periodsOf(target)
      .filter((p) => p.from <= today)
      .map((period) => {
        const scopes = index.resolve(target.definition, target.district, period);
        return { period, scopes, scopeSet: new Set(scopes) };
      });
    out.push({
      target,
      inputs: new Set(rule.kind.inputMetrics?.(target.definition, params) ?? [target.definition.metric]),
      lookback: rule.kind.lookbackYears(params),
      crossScope: rule.kind.crossScope?.(params) ?? false,
      periods,
    });
  }
  return out;
}

/** The same calendar day `years` later (29 February → 28 February). */
function shiftYears(day: string, years: number): string {
  const y = Number(day.slice(0, 4)) + years;
  const md = day.slice(5);
  if (md === '02-29' && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return `${y}-02-28`;
  return `${y}${day.slice(4)}`;
}

export function planFromKeys(
  targets: readonly LoadedTarget[],
  index: ScopeIndex,
  keys: readonly QueueKey[],
  today: string,
): WorkItem[] {
  const work = new Map<string, WorkItem>();
  const add = (target: LoadedTarget, scopeId: string, period: Period) =>
    work.set(`${target.id}|${scopeId}|${period.key}`, { target, scopeId, period });
  const prepared = prepare(targets, index, today);
  for (const k of keys) {
    const keyYear = Number(k.day.slice(0, 4));
    for (const p of prepared) {
      if (!p.inputs.has(k.metric_id)) continue;
      const shift = p.target.year - keyYear;
      if (shift < 0 || shift > p.lookback) continue;
      const day = shiftYears(k.day, shift);
      for (const { period, scopes, scopeSet } of p.periods) {
        if (day < period.from || day > period.to) continue;
        if (p.crossScope && (scopeSet.has(k.scope_id) || k.scope_id === p.target.district)) {
          for (const s of scopes) add(p.target, s, period);
        } else if (scopeSet.has(k.scope_id)) {
          add(p.target, k.scope_id, period);
        }
      }
    }
  }
  return [...work.values()];
}

export interface SweepOptions {
  /** Periods that ended up to this many days ago are still re-evaluated (late audited data). */
  graceDays?: number;
  /** Evaluate every period of this year instead (history, replays). */
  year?: number;
  targetIds?: readonly string[];
}

export const SWEEP_GRACE_DAYS = 45;

export function planSweep(
  targets: readonly LoadedTarget[],
  index: ScopeIndex,
  today: string,
  opts: SweepOptions = {},
): WorkItem[] {
  const oldest = addDays(today, -(opts.graceDays ?? SWEEP_GRACE_DAYS));
  const only = opts.targetIds ? new Set(opts.targetIds) : null;
  const work: WorkItem[] = [];
  for (const p of prepare(targets, index, today)) {
    if (only && !only.has(p.target.id)) continue;
    if (opts.year !== undefined && p.target.year !== opts.year) continue;
    for (const { period, scopes } of p.periods) {
      if (opts.year === undefined && period.to < oldest) continue;
      for (const scopeId of scopes) work.push({ target: p.target, scopeId, period });
    }
  }
  return work;
}
