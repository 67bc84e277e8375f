/**
 * The replayed month's task progress and manual indicators (issue 16 item 6), at the replayed moment the
 * month's data arrive (the 5th of the next month), so the unit pages, the overdue alerts and the 调度 report
 * have a real year to show:
 * - most units report every month on time;
 * - LATE_UNITS report each month one step late (their last month is still missing at the year's end);
 * - NEVER_UNIT never reports;
 * - about one task in four whose deadline has passed is reported 滞后, and the daily overdue check
 *   (task-overdue, run here at the replayed moment) turns those into alerts;
 * - the manual indicators are reported by their units; one fails: in February a large-area spill took 75
 *   minutes to clear (limit 1 hour, 002:2987-2988), so TZ24-OPS-01b is breached for 2024-02 and alerts like a
 *   measured target (in February so that the one-quarter demo shows it too).
 */
import type { AppContext } from '../../runtime/app-context.js';
import { listIndicators, upsertIndicatorValue } from '../../tasks/indicators/indicator-queries.js';
import { writeReplayProgress } from '../../tasks/replay-progress.js';
import { addMonths } from '../../time/shanghai.js';
import { jobId } from '../../../workers/queue-names.js';
import { evaluateTargetsRequest } from '../../outbox/messages.js';

export const NEVER_UNIT = 'greening';
export const LATE_UNITS = ['agriculture', 'transport'] as const;
const DISTRICT = 'tongzhou';

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
    default:
      return 100; // the rates: inspection and safe-use rates kept at 100 %
  }
}

export async function reportDemoMonth(ctx: AppContext, month: string, at: Date): Promise<number> {
  const year = Number(month.slice(0, 4));
  let rows = await writeReplayProgress(ctx.db, {
    month: `${month}-01`,
    year,
    district: DISTRICT,
    onlyUnits: null,
    skipUnits: [NEVER_UNIT, ...LATE_UNITS],
  });
  const previous = addMonths(month, -1);
  if (previous.startsWith(String(year)))
    rows += await writeReplayProgress(ctx.db, {
      month: `${previous}-01`,
      year,
      district: DISTRICT,
      onlyUnits: [...LATE_UNITS],
      skipUnits: [],
    });
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
  return rows + indicators.length;
}
