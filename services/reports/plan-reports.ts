/**
 * Which reports a daily tick should (re)produce. Pure: the scheduler's job turns the plan into
 * produce-report jobs, and producing is idempotent (an unchanged month makes no new version).
 *
 * - A month is "settled" from REPORT_SETTLE_DAY of the next month on (audited data arrive early in the
 *   month, HJ 633-2012 §5.1.5): on 2024-04-05 with day 5, March is due; on 2024-04-04 only February.
 * - The REPORT_REVISION_MONTHS months before the latest settled one are re-checked every day: audited or
 *   corrected data for them produce a new version (reason 'revision').
 * - The quarterly water bulletin follows its quarter's last month, in the plan years that require it.
 * - The monthly 调度 report of the plans' tasks is a snapshot of the month just ended, made once on the 1st
 *   of the next month (the units' reports were due by the cut-off, TASK_REPORT_CUTOFF_DAY): it is not
 *   re-checked, or every late report would mail the bureau a new version. `envwatch report --tasks` makes
 *   one on demand.
 */
import { addMonths, monthKey, parseDay } from '../time/shanghai.js';
import type { ReportKind } from './report-types.js';

export interface PlannedReport {
  kind: ReportKind;
  scopeId: string;
  periodKey: string;
  reason: 'schedule' | 'revision';
}

export interface PlanConfig {
  settleDay: number;
  revisionMonths: number;
  scopes: readonly string[];
  waterBulletinYears: readonly number[];
}

export function latestSettledMonth(day: string, settleDay: number): string {
  const thisMonth = monthKey(day);
  return parseDay(day).dayOfMonth >= settleDay ? addMonths(thisMonth, -1) : addMonths(thisMonth, -2);
}

export function planReports(day: string, cfg: PlanConfig): PlannedReport[] {
  const latest = latestSettledMonth(day, cfg.settleDay);
  const out: PlannedReport[] = [];
  for (let i = 0; i <= cfg.revisionMonths; i++) {
    const month = addMonths(latest, -i);
    const reason = i === 0 ? 'schedule' : 'revision';
    const m = Number(month.slice(5));
    const year = Number(month.slice(0, 4));
    for (const scopeId of cfg.scopes) {
      out.push({ kind: 'monthly', scopeId, periodKey: month, reason });
      if (m % 3 === 0 && cfg.waterBulletinYears.includes(year)) {
        out.push({ kind: 'water_quarterly', scopeId, periodKey: `${year}-Q${m / 3}`, reason });
      }
    }
  }
  if (parseDay(day).dayOfMonth === 1) {
    const ended = addMonths(monthKey(day), -1);
    for (const scopeId of cfg.scopes)
      out.push({ kind: 'task_dispatch', scopeId, periodKey: ended, reason: 'schedule' });
  }
  return out;
}
