/**
 * The monthly ranking reports (002:2972-2974 "定期通报…排名情况") of a replayed month, for each reported
 * district, through the reports domain's own job — archived, versioned and e-mailed as scheduled ones
 * are — and the month's 调度 report of task progress. The demo asks for exactly what its month settled,
 * rather than running the daily planning tick: a month is due when its data arrive (the replay's 5th is
 * REPORT_SETTLE_DAY's default), and a month whose data an audited re-delivery revised is produced again (a
 * new version when its figures changed).
 */
import type { AppContext } from '../../runtime/app-context.js';
import { jobId } from '../../../workers/queue-names.js';

export async function produceMonthlyReports(
  ctx: AppContext,
  due: { month: string; revised: readonly string[] },
): Promise<number> {
  const wanted = [
    ...due.revised.map((month) => ({ month, reason: 'revision' as const })),
    { month: due.month, reason: 'schedule' as const },
  ];
  let n = 0;
  // The monthly 调度 report of task progress (issue 16 item 5), as the scheduler plans it on the 1st: once per
  // month and district, never re-made for a revision (measured data do not change it).
  for (const scopeId of ctx.config.REPORT_SCOPES) {
    await ctx.enqueue(
      'produce-report',
      { kind: 'task_dispatch', scopeId, periodKey: due.month, reason: 'schedule' },
      { jobId: jobId('demo-report', 'tasks', scopeId, due.month) },
    );
    n += 1;
  }
  for (const { month, reason } of wanted) {
    for (const scopeId of ctx.config.REPORT_SCOPES) {
      await ctx.enqueue(
        'produce-report',
        { kind: 'monthly', scopeId, periodKey: month, reason },
        { jobId: jobId('demo-report', scopeId, month, reason, due.month) },
      );
      n += 1;
    }
  }
  return n;
}
