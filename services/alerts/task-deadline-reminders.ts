/**
 * Deadline reminders (issue #16 item 3): a task with a due date reminds its units TASK_DEADLINE_REMINDER_
 * WORKING_DAYS (default 30, 7, 1) working days before it — counted on China's working-day calendar, so a
 * reminder never lands on a holiday — once each, and not at all once every main unit reported 已完成.
 * One alert of kind task_due_soon per task; each reminder is a new revision of it (its words say how many
 * working days are left) with its own delivery step remind:<days>:<revision>, so a reminder cannot be sent
 * twice and a reminder still held for working hours is superseded by the next. A reminder is sent on its
 * day or up to TASK_DEADLINE_REMINDER_CATCH_UP_WORKING_DAYS working days later (a scheduler down over a
 * weekend still sends it), and only the nearest one reached: on a fresh deployment — or a task loaded late —
 * the reminders whose days passed long ago are history, not a first-run burst of every task due in the next
 * two months (201 at once in a 2024 database); such a task is reminded at its next point.
 * The alert resolves on the due date (the overdue alert takes over) or when the task is reported done.
 */
import type pg from 'pg';
import { withTransaction } from '../db/queryable.js';
import { planDeliveries } from '../notify/plan-deliveries.js';
import { addDays, toShanghaiDay } from '../time/shanghai.js';
import { shiftWorkingDays, type WorkingCalendar } from '../time/working-days.js';
import { bumpAlertRevision, lockAlertKey, updateAlertCondition, type AlertRow } from './alert-queries.js';
import { planContext, type AlertSettings } from './alert-settings.js';
import { targetRecipients } from './routing.js';
import { resolveReminder } from './task-report-reminders.js';
import { openTaskAlert } from './task-alert-open.js';
import { settledDueSoonAlerts, tasksDueSoon, type DueSoonTaskRow } from './task-reminder-queries.js';
import { dueSoonText } from './task-reminder-text.js';

export interface DeadlineReminderContext {
  now: Date;
  settings: AlertSettings;
  smsEnabled: boolean;
  /** Working days before the due date, largest first (config parses and sorts them). */
  workingDaysBefore: readonly number[];
  /** TASK_DEADLINE_REMINDER_CATCH_UP_WORKING_DAYS: how many working days late a reminder may still go. */
  catchUpWorkingDays: number;
}

/**
 * The reminder with the fewest working days left whose day has come and is at most `catchUpWorkingDays`
 * working days ago, or null (none reached yet, or the one reached is too old to send).
 */
export function dueReminder(
  cal: WorkingCalendar,
  today: string,
  dueOn: string,
  workingDaysBefore: readonly number[],
  catchUpWorkingDays: number,
): number | null {
  let nearest: number | null = null;
  for (const n of workingDaysBefore)
    if (shiftWorkingDays(cal, dueOn, -n) <= today) nearest = Math.min(nearest ?? n, n);
  if (nearest === null) return null;
  // Its last sending day: the reminder day shifted forward over working days (so a weekend does not count).
  return today <= shiftWorkingDays(cal, shiftWorkingDays(cal, dueOn, -nearest), catchUpWorkingDays)
    ? nearest
    : null;
}

const sentOf = (condition: string | null) =>
  condition ? Number(/^remind_(\d+)$/.exec(condition)?.[1]) : NaN;

async function remindTask(db: pg.Pool, t: DueSoonTaskRow, days: number, ctx: DeadlineReminderContext) {
  return withTransaction(db, async (tx) => {
    const dedupeKey = `task-due|${t.id}`;
    const year = Number(t.due_on.slice(0, 4));
    const text = dueSoonText(t, days);
    let alert: AlertRow;
    let revision: number;
    if (t.alert_id === null) {
      alert = await openTaskAlert(tx, {
        kind: 'task_due_soon',
        dedupeKey,
        periodKey: String(year),
        districtId: t.district_id,
        year,
        severity: 'notice',
        condition: `remind_${days}`,
        text,
        at: ctx.now,
        about: { taskId: t.id },
        detail: { task: t.id },
      });
      revision = alert.revision;
    } else {
      await lockAlertKey(tx, dedupeKey);
      alert = await updateAlertCondition(
        tx,
        t.alert_id,
        { condition: `remind_${days}`, severity: 'notice', urgent: false, text, at: ctx.now },
        { kind: 'reminded', detail: { workingDays: days } },
      );
      revision = await bumpAlertRevision(tx, alert.id);
    }
    const recipients = await targetRecipients(
      tx,
      {
        mainUnitIds: t.main_unit_ids,
        assistUnitIds: t.assist_unit_ids,
        leadOfficialIds: [],
        districtId: t.district_id,
        scopeId: t.district_id ?? '',
        year,
        day: toShanghaiDay(ctx.now),
      },
      ['main', 'assist'],
    );
    // SMS only for the last reminder (the day before): a month ahead, an e-mail is enough.
    const last = days === Math.min(...ctx.workingDaysBefore);
    const planned = await planDeliveries(
      tx,
      {
        alertId: alert.id,
        step: `remind:${days}:${revision}`,
        recipients,
        urgent: false,
        digest: false,
        smsRoles: new Set(last ? ['main'] : []),
      },
      planContext(ctx.now, ctx.smsEnabled, ctx.settings),
    );
    return planned.outboxIds;
  });
}

export async function syncDeadlineReminders(
  db: pg.Pool,
  ctx: DeadlineReminderContext,
): Promise<{ reminded: number; resolved: number; outboxIds: number[] }> {
  const today = toShanghaiDay(ctx.now);
  const cal = ctx.settings.calendar;
  let resolved = 0;
  for (const s of await settledDueSoonAlerts(db, today))
    if (await resolveReminder(db, s.id, s.reason, ctx.now)) resolved++;
  // Far enough ahead for the largest reminder: n working days never span more than 2n + 30 calendar days.
  const horizon = addDays(today, 2 * Math.max(...ctx.workingDaysBefore) + 30);
  const outboxIds: number[] = [];
  let reminded = 0;
  for (const t of await tasksDueSoon(db, today, horizon)) {
    const days = dueReminder(cal, today, t.due_on, ctx.workingDaysBefore, ctx.catchUpWorkingDays);
    const sent = sentOf(t.alert_condition);
    if (days === null || (t.alert_id !== null && !(days < sent))) continue;
    outboxIds.push(...(await remindTask(db, t, days, ctx)));
    reminded++;
  }
  return { reminded, resolved, outboxIds };
}
