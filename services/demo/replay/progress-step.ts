/**
 * The replayed month's task progress and manual indicators (issue 16 item 6), so the unit pages, the reminders,
 * the overdue alerts and the 调度 report have a real year to show. Progress for month M is reported within M,
 * around the monthly cut-off (TASK_REPORT_CUTOFF_DAY, the 25th) — the moments are task-moments.ts':
 * - most units report on the 18th, before the cut-off, and are never reminded;
 * - LATE_UNITS report the day after the cut-off: reminded, then resolved by their report, never escalated;
 * - NEVER_UNIT never reports: reminded on the cut-off and escalated to its lead officials each month;
 * - about one task in four whose deadline has passed is reported 滞后, and the daily overdue check
 *   (task-overdue, run at the month's data moment, the 5th of M+1) turns those into alerts;
 * - the manual indicators are month figures, reported once the month is over (the 5th of M+1) by their
 *   units; one fails: in February a large-area spill took 75 minutes to clear (limit 1 hour, 002:2987-2988),
 *   so TZ24-OPS-01b is breached for 2024-02 and alerts like a measured target (in February so that the
 *   one-quarter demo shows it too).
 */
import type { AppContext } from '../../runtime/app-context.js';
import { listIndicators, upsertIndicatorValue } from '../../tasks/indicators/indicator-queries.js';
import { writeReplayProgress } from '../../tasks/replay-progress.js';
import { jobId } from '../../../workers/queue-names.js';
import { evaluateTargetsRequest } from '../../outbox/messages.js';

export const DISTRICT = 'tongzhou';
export const NEVER_UNIT = 'greening';
export const LATE_UNITS = ['agriculture', 'transport'] as const;

/** A plausible month's value per indicator metric; the one planted failure is February's large spill. */
function demoValue(metricId: string, month: number): number {
  switch (metricId) {
    case 'spill_general_max_minutes':
      return 18 + (month % 4) * 3;
    case 'spill_large_max_minutes':
      return month === 2 ? 75 : 42 + (month % 3) * 6;
    case 'post_rain_cleanup_max_hours':
      return month >= 5 && month <= 9 ? 10 + month : 0; // rainy season only; within 24 h
    case 'black_odorous_segments_not_clean':
      return 0;
    // The farming rates: a little above the 2024 plan's floors (002:4258-4261, 4279-4282).
    case 'soil_testing_fertilization_coverage':
      return 98.6;
    case 'fertilizer_use_efficiency':
      return 43.4;
    case 'pesticide_use_efficiency':
      return 45.5;
    case 'agricultural_film_recovery_rate':
      return 93.1;
    case 'straw_utilization_rate':
      return 98.8;
    case 'manure_utilization_rate':
      return 96.2;
    default:
      return 100; // the rates: inspection and safe-use rates kept at 100 %
  }
}

/** Month 'YYYY-MM''s progress of the on-time units (every one but the late and the never-reporting). */
export function reportOnTimeUnits(ctx: AppContext, month: string, at: Date): Promise<number> {
  return writeReplayProgress(ctx.db, {
    month: `${month}-01`,
    year: Number(month.slice(0, 4)),
    district: DISTRICT,
    onlyUnits: null,
    skipUnits: [NEVER_UNIT, ...LATE_UNITS],
    reportedAt: at,
  });
}

/** Month 'YYYY-MM''s progress of the late units, after their reminder. */
export function reportLateUnits(ctx: AppContext, month: string, at: Date): Promise<number> {
  return writeReplayProgress(ctx.db, {
    month: `${month}-01`,
    year: Number(month.slice(0, 4)),
    district: DISTRICT,
    onlyUnits: [...LATE_UNITS],
    skipUnits: [],
    reportedAt: at,
  });
}

/** Once month 'YYYY-MM' is over: its manual indicators, and the daily overdue check at that moment. */
export async function reportDemoMonth(ctx: AppContext, month: string, at: Date): Promise<number> {
  const year = Number(month.slice(0, 4));
  const indicators = (await listIndicators(ctx.db, { unitId: null, year })).filter((i) =>
    i.plan_id.startsWith(DISTRICT),
  );
  for (const i of indicators)
    await upsertIndicatorValue(ctx.db, {
      metricId: i.metric_id,
      scopeId: i.scope_id,
      month: `${month}-01`,
      value: demoValue(i.metric_id, Number(month.slice(5, 7))),
      unitId: i.unit_id,
      note: '演示数据',
      reportedBy: 'demo',
      reportedById: null,
      via: 'demo',
    });
  if (indicators.length > 0) await ctx.enqueue(...evaluateTargetsRequest('demo-indicators'));
  await ctx.enqueue('task-overdue', { tick: at.toISOString() }, { jobId: jobId('demo-task-overdue', month) });
  return indicators.length;
}
