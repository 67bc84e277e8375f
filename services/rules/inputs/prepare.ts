/**
 * The steps every series rule starts with, done set-based: find each item's as_of (the last day of data,
 * never after `until`), and the sand-dust days to leave out when the target says 扣除沙尘影响.
 */
import { MIN_VALID_DAYS_PER_YEAR, minValidDaysForMonth } from '../../standards/validity.js';
import { monthEndDay, sameDayLastYear } from '../../time/shanghai.js';
import type { RuleContext, RuleItem, TargetMetric } from '../rule-kind.js';
import { excludedIn, excludedMonths, loadSandDustDays } from './sand-dust.js';
import { lastDataDays, monthsIn, type SeriesInput, type WindowStats } from './series-windows.js';

/**
 * Default share of the elapsed period that must have valid values: GB 3095 Table 4 asks 324 valid days for
 * an annual mean, i.e. 324/365 of the year; a year-to-date mean is held to the same share of its days.
 */
export const DEFAULT_MIN_COVERAGE_DAILY = MIN_VALID_DAYS_PER_YEAR / 365;
/** Monthly values (dust fall, ranks): three months in four (docs/decisions.md). */
export const DEFAULT_MIN_COVERAGE_MONTHLY = 0.75;

/** The decimals a rule rounds its values to (GB/T 8170): the target's own setting, else the metric's. */
export function decimalsOf(ctx: RuleContext, p: { decimals?: number | undefined }): number {
  return p.decimals ?? ctx.target.metric.decimals;
}

/** What a series rule starts from; see startSeriesRule. */
export interface SeriesStart {
  /** The target's metric, the one the rule reads. */
  metric: TargetMetric;
  decimals: number;
  /** as_of per item index (resolveAsOf). */
  asOf: Map<number, string>;
  /** The sand-dust days to leave out over everything the comparisons read (loadItemExclusions). */
  excl: Exclusions;
}

/** The steps every series rule starts with, in one call: decimals, each item's as_of, and the exclusions. */
export async function startSeriesRule(
  ctx: RuleContext,
  items: readonly RuleItem[],
  o: { input: SeriesInput; decimals?: number | undefined; lookbackYears: number },
): Promise<SeriesStart> {
  const metric = ctx.target.metric;
  const asOf = await resolveAsOf(ctx, o.input, metric.id, items);
  const excl = await loadItemExclusions(ctx, o.input, items, o.lookbackYears);
  return { metric, decimals: decimalsOf(ctx, o), asOf, excl };
}

/** as_of per item index; items without any data in their period are absent. */
export async function resolveAsOf(
  ctx: RuleContext,
  input: SeriesInput,
  metricId: string,
  items: readonly RuleItem[],
): Promise<Map<number, string>> {
  const groups = new Map<string, number[]>();
  items.forEach((it, i) => {
    const k = `${it.period.from}|${it.until}`;
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  const out = new Map<number, string>();
  for (const [k, idx] of groups) {
    const [from, until] = k.split('|') as [string, string];
    const last = await lastDataDays(
      ctx.db,
      input,
      metricId,
      [...new Set(idx.map((i) => items[i]!.scopeId))],
      from,
      until,
    );
    for (const i of idx) {
      const d = last.get(items[i]!.scopeId);
      if (d) out.set(i, d);
    }
  }
  return out;
}

export interface Exclusions {
  /** Excluded days (daily input) or months (monthly input) of one scope within [from, to]. */
  of(scopeId: string, from: string, to: string): string[];
}

const NONE: Exclusions = { of: () => [] };

/** Loads sand-dust days for the items' scopes over [from, to] (one query) when the target excludes them. */
export async function loadExclusions(
  ctx: RuleContext,
  input: SeriesInput,
  scopeIds: readonly string[],
  from: string,
  to: string,
): Promise<Exclusions> {
  if (!ctx.target.definition.exclude_sand_dust) return NONE;
  const days = await loadSandDustDays(
    ctx.db,
    [...new Set(scopeIds)].map((scopeId) => ({ scopeId, districtId: ctx.scopes.districtOf(scopeId) })),
    from,
    to,
  );
  return {
    of(scopeId, wFrom, wTo) {
      if (input === 'daily') return excludedIn(days.get(scopeId), wFrom, wTo);
      const months = new Set(monthsIn(wFrom, wTo));
      return [...excludedMonths(days.get(scopeId))].filter((m) => months.has(m)).sort();
    },
  };
}

/** The last day any item's period reaches (periods of one batch may differ: a quarter and its year). */
export function latestPeriodEnd(items: readonly RuleItem[]): string {
  return items.reduce((m, it) => (it.period.to > m ? it.period.to : m), items[0]!.period.to);
}

/**
 * The sand-dust exclusions of every item's scope over all that the items' comparisons read: from `years`
 * before the earliest period start to the latest period end, in one query.
 */
export function loadItemExclusions(
  ctx: RuleContext,
  input: SeriesInput,
  items: readonly RuleItem[],
  years: number,
): Promise<Exclusions> {
  return loadExclusions(
    ctx,
    input,
    items.map((i) => i.scopeId),
    lookbackStart(items, years),
    latestPeriodEnd(items),
  );
}

/** The earliest day any item's comparison may read: `years` before the earliest period start. */
export function lookbackStart(items: readonly RuleItem[], years: number): string {
  let from = items.reduce((m, it) => (it.period.from < m ? it.period.from : m), items[0]!.period.from);
  for (let i = 0; i < years; i++) from = sameDayLastYear(from);
  return from;
}

/**
 * Whether a window has enough valid values to decide. A window of exactly one calendar month of daily
 * values follows GB 3095 Table 4 (≥ 27 valid days, February ≥ 25); anything else needs `minCoverage` of its
 * days (months).
 */
export function hasEnoughData(
  input: SeriesInput,
  stats: WindowStats | undefined,
  window: { from: string; to: string },
  minCoverage: number | undefined,
): boolean {
  if (!stats || stats.n === 0) return false;
  if (
    input === 'daily' &&
    window.from.endsWith('-01') &&
    window.to === monthEndDay(window.from.slice(0, 7))
  ) {
    const [y, m] = window.from.split('-').map(Number) as [number, number];
    return stats.n >= minValidDaysForMonth(y, m);
  }
  const min = minCoverage ?? (input === 'daily' ? DEFAULT_MIN_COVERAGE_DAILY : DEFAULT_MIN_COVERAGE_MONTHLY);
  return stats.expected === 0 ? false : stats.n / stats.expected >= min - 1e-9;
}

export function coverageOf(stats: WindowStats | undefined): number | null {
  if (!stats || stats.expected === 0) return null;
  return Math.min(1, stats.n / stats.expected);
}
