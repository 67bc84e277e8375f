/**
 * A street/town's year-to-date figure as its target computes it (issue 15): when a unit's metric is judged
 * by a year target of the plan (TZ24-AIR-05 PM2.5 同比改善, TZ24-AIR-09 降尘量 5 左右), the report's 累计
 * column must print the number the evaluation printed, so it is computed by the very window statistics the
 * rules use (rules/inputs): the target's input (daily values, or monthly values such as dust fall), its
 * sand-dust exclusions (扣除沙尘影响: days, or whole months for monthly values, periods naming the
 * street/town, its district or the whole city) and the same validity (valid rows only). Last year's figure
 * is the same calendar range a year earlier with the same rules, as yoy_improvement compares them.
 *
 * A unit without such a target keeps the rollup's cumulative mean (collect-monthly.ts).
 */
import type { Queryable } from '../db/queryable.js';
import { excludedIn, excludedMonths, loadSandDustDays } from '../rules/inputs/sand-dust.js';
import {
  monthsIn,
  readWindows,
  windowMean,
  type SeriesInput,
  type Window,
} from '../rules/inputs/series-windows.js';
import { sameRangeLastYear } from '../time/periods.js';
import type { CurrentStatusRow } from './queries/status-queries.js';
import { readYtdTargetSettings, type YtdTargetSettings } from './queries/target-settings-queries.js';

export interface TargetYtd {
  /** The target whose rules made the figure (the first by id when a unit has several on the metric). */
  targetId: string;
  mean: number | null;
  lastYearMean: number | null;
}

/** metric → unit → the figure its target computes. */
export type TargetYtdByMetric = Map<string, Map<string, TargetYtd>>;

/**
 * For each unit × metric with a year-period status in `statuses` (the evaluation as of the month's end),
 * the year-to-date mean over [1 January, monthEnd] and the same range last year under that target's rules.
 */
export async function readTargetYtd(
  db: Queryable,
  opts: {
    districtId: string;
    year: number;
    monthEnd: string;
    metricIds: readonly string[];
    statuses: readonly CurrentStatusRow[];
  },
): Promise<TargetYtdByMetric> {
  const { districtId, year, monthEnd } = opts;
  const metrics = new Set(opts.metricIds);
  // unit × metric → its year target; sorted so a unit with two year targets on a metric always gets the same.
  const chosen = new Map<string, CurrentStatusRow>();
  for (const s of [...opts.statuses].sort((a, b) => a.target_id.localeCompare(b.target_id))) {
    if (s.period_key !== String(year) || !metrics.has(s.metric_id) || s.scope_id === districtId) continue;
    const key = `${s.metric_id}|${s.scope_id}`;
    if (!chosen.has(key)) chosen.set(key, s);
  }
  const out: TargetYtdByMetric = new Map();
  if (chosen.size === 0) return out;
  const settings = await readYtdTargetSettings(db, [
    ...new Set([...chosen.values()].map((s) => s.target_id)),
  ]);

  const thisYear = { from: `${year}-01-01`, to: monthEnd };
  const lastYear = sameRangeLastYear(thisYear);
  const excludingScopes = [...chosen.values()]
    .filter((s) => settings.get(s.target_id)?.excludeSandDust)
    .map((s) => ({ scopeId: s.scope_id, districtId }));
  const sandDust = await loadSandDustDays(db, excludingScopes, lastYear.from, thisYear.to);
  const excluded = (input: SeriesInput, scopeId: string, r: { from: string; to: string }): string[] => {
    const days = sandDust.get(scopeId);
    if (input === 'daily') return excludedIn(days, r.from, r.to);
    const inRange = new Set(monthsIn(r.from, r.to));
    return [...excludedMonths(days)].filter((m) => inRange.has(m)).sort();
  };

  // One readWindows call per (metric, input): the statistic the rule kinds compute.
  const groups = new Map<string, { metricId: string; input: SeriesInput; windows: Window[] }>();
  for (const s of chosen.values()) {
    const set: YtdTargetSettings = settings.get(s.target_id) ?? { excludeSandDust: false, input: 'daily' };
    const key = `${s.metric_id}|${set.input}`;
    const group = groups.get(key) ?? { metricId: s.metric_id, input: set.input, windows: [] };
    const ex = (r: { from: string; to: string }) =>
      set.excludeSandDust ? excluded(set.input, s.scope_id, r) : [];
    group.windows.push(
      { key: `${s.scope_id}|now`, scopeId: s.scope_id, ...thisYear, excluded: ex(thisYear) },
      { key: `${s.scope_id}|ly`, scopeId: s.scope_id, ...lastYear, excluded: ex(lastYear) },
    );
    groups.set(key, group);
  }
  for (const g of groups.values()) {
    const stats = await readWindows(db, g.input, g.metricId, g.windows);
    const byUnit = out.get(g.metricId) ?? new Map<string, TargetYtd>();
    for (const w of g.windows) {
      if (!w.key.endsWith('|now')) continue;
      byUnit.set(w.scopeId, {
        targetId: chosen.get(`${g.metricId}|${w.scopeId}`)!.target_id,
        mean: windowMean(stats.get(w.key)),
        lastYearMean: windowMean(stats.get(`${w.scopeId}|ly`)),
      });
    }
    out.set(g.metricId, byUnit);
  }
  return out;
}
