/**
 * The monthly cut-off of the task progress reports (按月上报进展情况, 001:554; issue #16 item 3). For month M:
 *  - the cut-off is day TASK_REPORT_CUTOFF_DAY of M (Asia/Shanghai), moved to the next working day when it is
 *    a weekend or holiday — the day the reports are due, like a statutory time limit ending on a holiday;
 *  - on the cut-off day a unit still missing a report on any task it owes (envwatch_owed_tasks) gets one alert of
 *    kind task_report_missing (one per unit and month, ever), sent to its contacts: the reminder;
 *  - TASK_REPORT_ESCALATE_AFTER_WORKING_DAYS working days after the cut-off, a unit still missing reports is
 *    escalated: the lead officials (牵头领导) of the unreported tasks are told and the unit hears it too.
 *    Acknowledging the reminder does not stop this — only reporting does (the alert then resolves).
 * The daily job looks at this month and the last (an escalation can fall in the next month). A reminder is
 * never opened on or after its escalation day: a late first run (a fresh deployment) must not send a storm
 * of reminders that are already too late to act on. See docs/decisions.md, "Task reminders".
 */
import type pg from 'pg';
import { withTransaction, type Queryable } from '../db/queryable.js';
import { planDeliveries } from '../notify/plan-deliveries.js';
import { addMonths, monthKey, monthStartDay, toShanghaiDay } from '../time/shanghai.js';
import { nextWorkingDay, shiftWorkingDays, type WorkingCalendar } from '../time/working-days.js';
import {
  bumpAlertRevision,
  insertAlertEvent,
  lockAlertKey,
  markResolved,
  setNextEscalation,
  updateAlertCondition,
} from './alert-queries.js';
import { planContext, type AlertSettings } from './alert-settings.js';
import { targetRecipients } from './routing.js';
import { openTaskAlert } from './task-alert-open.js';
import {
  reportAlertsOfMonth,
  unreportedUnits,
  type ReportAlertRow,
  type UnreportedUnitRow,
} from './task-reminder-queries.js';
import { reportEscalationText, reportReminderText, type ReportReminderWhen } from './task-reminder-text.js';

export interface ReportReminderContext {
  now: Date;
  settings: AlertSettings;
  smsEnabled: boolean;
  cutoffDay: number;
  escalateAfterWorkingDays: number;
}

export interface ReportReminderResult {
  reminded: number;
  escalated: number;
  resolved: number;
  outboxIds: number[];
}

/** The cut-off and escalation days of month 'YYYY-MM'. */
export function reportSchedule(
  cal: WorkingCalendar,
  month: string,
  cutoffDay: number,
  escalateAfterWorkingDays: number,
): ReportReminderWhen {
  const cutoff = nextWorkingDay(cal, `${month}-${String(cutoffDay).padStart(2, '0')}`);
  return { month, cutoff, escalateOn: shiftWorkingDays(cal, cutoff, escalateAfterWorkingDays) };
}

const SMS_ROLES = new Set(['main', 'lead']);

const reportAlertKey = (unitId: string, month: string) => `task-report|${unitId}|${month}`;

function routingOf(u: UnreportedUnitRow, year: number, day: string) {
  return {
    mainUnitIds: [u.unit_id],
    assistUnitIds: [],
    leadOfficialIds: u.lead_official_ids,
    districtId: u.district_id,
    scopeId: u.district_id ?? '',
    year,
    day,
  };
}

/** Plans one step's deliveries to the unit (and its tasks' lead officials when `roles` has them). */
async function notifyStep(
  tx: Queryable,
  alertId: number,
  step: string,
  u: UnreportedUnitRow,
  roles: ('main' | 'lead')[],
  year: number,
  ctx: ReportReminderContext,
): Promise<number[]> {
  const recipients = await targetRecipients(tx, routingOf(u, year, toShanghaiDay(ctx.now)), roles);
  const planned = await planDeliveries(
    tx,
    { alertId, step, recipients, urgent: false, digest: false, smsRoles: SMS_ROLES },
    planContext(ctx.now, ctx.smsEnabled, ctx.settings),
  );
  return planned.outboxIds;
}

async function remind(db: pg.Pool, u: UnreportedUnitRow, w: ReportReminderWhen, ctx: ReportReminderContext) {
  return withTransaction(db, async (tx) => {
    const year = Number(w.month.slice(0, 4));
    const alert = await openTaskAlert(tx, {
      kind: 'task_report_missing',
      dedupeKey: reportAlertKey(u.unit_id, w.month),
      periodKey: w.month,
      districtId: u.district_id,
      year,
      severity: 'notice',
      condition: 'reminded',
      text: reportReminderText(u, w),
      at: ctx.now,
      about: { unitId: u.unit_id },
      detail: { unit: u.unit_id, month: w.month },
    });
    return notifyStep(tx, alert.id, `remind:cutoff:${alert.revision}`, u, ['main'], year, ctx);
  });
}

async function escalate(
  db: pg.Pool,
  a: ReportAlertRow,
  u: UnreportedUnitRow,
  w: ReportReminderWhen,
  ctx: ReportReminderContext,
) {
  return withTransaction(db, async (tx) => {
    await lockAlertKey(tx, reportAlertKey(u.unit_id, w.month));
    await updateAlertCondition(
      tx,
      a.id,
      {
        condition: 'escalated',
        severity: 'warning',
        urgent: false,
        text: reportEscalationText(u, w),
        at: ctx.now,
      },
      { kind: 'escalated', detail: { step: 1, to: 'lead_officials', missing: u.missing_task_ids.length } },
    );
    // A new revision: a reminder still waiting for working hours is superseded by the escalation.
    const revision = await bumpAlertRevision(tx, a.id);
    await setNextEscalation(tx, a.id, null, 1);
    const year = Number(w.month.slice(0, 4));
    return notifyStep(tx, a.id, `unreported:lead:${revision}`, u, ['main', 'lead'], year, ctx);
  });
}

/** Resolves a reminder alert with its event: the unit reported, or the task needs no more reminding. */
export async function resolveReminder(db: pg.Pool, id: number, reason: string, at: Date): Promise<boolean> {
  return withTransaction(db, async (tx) => {
    if (!(await markResolved(tx, id, reason, at))) return false;
    await insertAlertEvent(tx, { alertId: id, kind: 'resolved', detail: { reason }, at });
    return true;
  });
}

const LIVE = new Set(['firing', 'acknowledged']);

export async function syncReportReminders(
  db: pg.Pool,
  ctx: ReportReminderContext,
): Promise<ReportReminderResult> {
  const today = toShanghaiDay(ctx.now);
  const r: ReportReminderResult = { reminded: 0, escalated: 0, resolved: 0, outboxIds: [] };
  const thisMonth = monthKey(today);
  for (const month of [addMonths(thisMonth, -1), thisMonth]) {
    const w = reportSchedule(ctx.settings.calendar, month, ctx.cutoffDay, ctx.escalateAfterWorkingDays);
    if (today < w.cutoff) continue;
    const missing = new Map((await unreportedUnits(db, monthStartDay(month))).map((u) => [u.unit_id, u]));
    const alerts = await reportAlertsOfMonth(db, month);
    const alerted = new Set(alerts.map((a) => a.unit_id));
    for (const a of alerts) {
      if (!LIVE.has(a.state)) continue;
      const u = missing.get(a.unit_id);
      if (!u) {
        if (await resolveReminder(db, a.id, 'reported', ctx.now)) r.resolved++;
      } else if (a.escalation_step < 1 && today >= w.escalateOn) {
        r.outboxIds.push(...(await escalate(db, a, u, w, ctx)));
        r.escalated++;
      }
    }
    if (today >= w.escalateOn) continue;
    for (const u of missing.values()) {
      if (alerted.has(u.unit_id)) continue;
      r.outboxIds.push(...(await remind(db, u, w, ctx)));
      r.reminded++;
    }
  }
  return r;
}
