/**
 * What the plan scenario tests share (2020, 2021, BDA 2020): load one shipped plan, evaluate it at a checkpoint
 * (Shanghai 23:00 of a day, the whole year's data loaded — the engine may not look past the day) and compare
 * every (target, scope, period) status with a table written by hand.
 */
import path from 'node:path';
import type pg from 'pg';
import type { EvaluationStatus } from '../../services/rules/rule-kind.js';
import { sweepTargets } from '../../services/targets/evaluate-pending.js';
import { loadPlanFiles } from '../../services/targets/load-targets.js';
import { upsertPlanFile } from '../../services/targets/target-queries.js';
import { listCurrentStatus, type CurrentStatusRow } from '../../services/targets/targets-status-queries.js';
import { ManualClock, addMonths, shanghaiInstant } from '../../services/time/shanghai.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export type S = EvaluationStatus;
/** Statuses at the two checkpoints: [quarter end, year end]. */
export type Two = readonly [S, S];
export const MET2: Two = ['met', 'met'];

/** target → its period (for a year target) and scopes, with statuses by scope; `*` is every other scope. */
export type YearExpectations = Record<string, { scopes: readonly string[]; by: Record<string, Two> }>;

export async function loadPlan(db: pg.Pool, planId: string): Promise<void> {
  const plans = await loadPlanFiles(path.join(ROOT, 'config/targets'));
  const plan = plans.find((p) => p.plan.id === planId);
  if (!plan) throw new Error(`no plan ${planId} in config/targets`);
  await upsertPlanFile(db, plan);
}

export interface Checkpoint {
  rows: CurrentStatusRow[];
  statuses: Record<string, S>;
  row(targetId: string, scopeId: string, periodKey?: string): CurrentStatusRow;
}

export async function evaluateAt(
  db: pg.Pool,
  planId: string,
  year: number,
  day: string,
): Promise<Checkpoint> {
  await sweepTargets(db, { clock: new ManualClock(shanghaiInstant(day, 23)), year });
  const rows = (await listCurrentStatus(db)).filter((r) => r.planId === planId);
  return {
    rows,
    statuses: Object.fromEntries(rows.map((r) => [`${r.targetId}|${r.scopeId}|${r.periodKey}`, r.status])),
    row(targetId, scopeId, periodKey) {
      const r = rows.find(
        (x) => x.targetId === targetId && x.scopeId === scopeId && (!periodKey || x.periodKey === periodKey),
      );
      if (!r) throw new Error(`no evaluation of ${targetId} for ${scopeId} ${periodKey ?? ''}`);
      return r;
    },
  };
}

/** The expected statuses at checkpoint `i` (0 = quarter end, 1 = year end) of a year's targets. */
export function expectedYear(year: number, i: 0 | 1, table: YearExpectations): Record<string, S> {
  const out: Record<string, S> = {};
  for (const [targetId, e] of Object.entries(table)) {
    for (const scope of e.scopes) out[`${targetId}|${scope}|${year}`] = (e.by[scope] ?? e.by['*']!)[i]!;
  }
  return out;
}

/** Month targets: every month begun (and ended) by checkpoint `i`; `status(month)` gives each one. */
export function expectedMonths(
  targetId: string,
  scopes: readonly string[],
  year: number,
  i: 0 | 1,
  status: (scope: string, month: string) => S,
): Record<string, S> {
  const out: Record<string, S> = {};
  for (let k = 0; k < (i === 0 ? 3 : 12); k++) {
    const month = addMonths(`${year}-01`, k);
    for (const scope of scopes) out[`${targetId}|${scope}|${month}`] = status(scope, month);
  }
  return out;
}

/**
 * The manual-entry indicators (issue 16: inspection rates, soil safe use, spills …) are reported by the units,
 * and the synthetic years have no reports: each month or year begun by checkpoint `i` is "insufficient data",
 * never a 0 that would pass or fail.
 */
export function unreportedIndicators(
  year: number,
  i: 0 | 1,
  indicators: { monthly: Record<string, readonly string[]>; yearly: Record<string, readonly string[]> },
): Record<string, S> {
  const out: Record<string, S> = {};
  for (const [targetId, scopes] of Object.entries(indicators.monthly))
    Object.assign(
      out,
      expectedMonths(targetId, scopes, year, i, () => 'insufficient_data'),
    );
  for (const [targetId, scopes] of Object.entries(indicators.yearly))
    for (const scope of scopes) out[`${targetId}|${scope}|${year}`] = 'insufficient_data';
  return out;
}
