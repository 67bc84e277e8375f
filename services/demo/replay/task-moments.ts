/**
 * The replayed moments of a month's task progress and task reminders (issue 16 item 3 in the demo). The
 * scheduler runs task-report-reminders (09:00) and task-deadline-reminders (09:05) every day; in replayed
 * time the demo runs them on the days they have something to do — the month's cut-off, its escalation day
 * and the days a deadline reminder falls on — and the units report around the cut-off (progress-step.ts):
 *
 *   18th 10:00        the on-time units report month M
 *   cut-off 09:00     reminders: the late and the never-reporting units are reminded
 *   cut-off +1 10:00  the late units report (their reminder resolves at the next run)
 *   escalation 09:00  the never-reporting unit is escalated to its lead officials
 *
 * A replayed step covers the time from the previous step's moment (the 5th of M, 09:00) to its own (the 5th
 * of M+1, 09:00); moments outside it belong to a neighbouring step, so the clock never runs backwards.
 */
import { alertSettings } from '../../alerts/alert-settings.js';
import { reportSchedule } from '../../alerts/task-report-reminders.js';
import type { AppContext } from '../../runtime/app-context.js';
import { addDays, addMonths, shanghaiInstant } from '../../time/shanghai.js';
import { shiftWorkingDays } from '../../time/working-days.js';
import { jobId } from '../../../workers/queue-names.js';
import { DISTRICT, reportLateUnits, reportOnTimeUnits } from './progress-step.js';

export interface ReplayMoment {
  at: Date;
  /** Runs what happens at `at`; the replay waits for the pipeline to be idle afterwards. */
  run: () => Promise<void>;
  /** Whether the alert sweep runs after it (a unit's report sends nothing; a reminder job does). */
  sweep: boolean;
}

const ON_TIME_DAY = 18;

/** Due dates of the demo district's tasks of the year, for the deadline reminders' days. */
async function dueDates(ctx: AppContext, year: number): Promise<string[]> {
  const { rows } = await ctx.db.query<{ due_on: string }>(
    `SELECT DISTINCT t.due_on::text AS due_on FROM task t JOIN plan p ON p.id = t.plan_id
      WHERE t.enabled AND t.due_on IS NOT NULL AND p.year = $1 AND p.district_id = $2 ORDER BY 1`,
    [year, DISTRICT],
  );
  return rows.map((r) => r.due_on);
}

function runReminderJobs(ctx: AppContext, day: string): ReplayMoment[] {
  const report = shanghaiInstant(day, 9, 0);
  const deadline = shanghaiInstant(day, 9, 5);
  return [
    {
      at: report,
      sweep: true,
      run: async () => {
        await ctx.enqueue(
          'task-report-reminders',
          { tick: report.toISOString() },
          { jobId: jobId('demo-task-report-reminders', day) },
        );
      },
    },
    {
      at: deadline,
      sweep: true,
      run: async () => {
        await ctx.enqueue(
          'task-deadline-reminders',
          { tick: deadline.toISOString() },
          { jobId: jobId('demo-task-deadline-reminders', day) },
        );
      },
    },
  ];
}

/** The task moments of replayed month 'YYYY-MM', in time order, within its step (see above). */
export async function taskMoments(ctx: AppContext, month: string): Promise<ReplayMoment[]> {
  const from = shanghaiInstant(`${month}-05`, 9, 0);
  const until = shanghaiInstant(`${addMonths(month, 1)}-05`, 9, 0);
  const settings = alertSettings(ctx.config);
  const cal = settings.calendar;
  const schedule = (m: string) =>
    reportSchedule(
      cal,
      m,
      ctx.config.TASK_REPORT_CUTOFF_DAY,
      ctx.config.TASK_REPORT_ESCALATE_AFTER_WORKING_DAYS,
    );
  const w = schedule(month);
  // Last month's escalation too: after a long holiday (春节 2025) it can fall past the 5th, in this step.
  const previous = schedule(addMonths(month, -1));
  const reminderDays = new Set([w.cutoff, w.escalateOn, previous.escalateOn]);
  const year = Number(month.slice(0, 4));
  for (const due of await dueDates(ctx, year))
    for (const n of ctx.config.TASK_DEADLINE_REMINDER_WORKING_DAYS)
      reminderDays.add(shiftWorkingDays(cal, due, -n));
  const onTime = shanghaiInstant(`${month}-${ON_TIME_DAY}`, 10, 0);
  const late = shanghaiInstant(addDays(w.cutoff, 1), 10, 0);
  const moments: ReplayMoment[] = [
    { at: onTime, sweep: false, run: async () => void (await reportOnTimeUnits(ctx, month, onTime)) },
    { at: late, sweep: false, run: async () => void (await reportLateUnits(ctx, month, late)) },
    ...[...reminderDays].flatMap((day) => runReminderJobs(ctx, day)),
  ];
  return moments.filter((m) => m.at > from && m.at <= until).sort((a, b) => a.at.getTime() - b.at.getTime());
}
