/**
 * A task past its due date without 已完成 (issue #16 item 3) opens one alert of kind task_overdue, routed
 * like a target alert through the plan's responsibility matrix: its main units (主责单位) and lead officials
 * (牵头领导) are told at once — the deadline has already passed, so there is no earlier step to wait for —
 * and its assisting units are copied. One alert per task, ever: acknowledging or closing it does not make
 * the next sweep open another. "Overdue on 11月16日" = the first Shanghai day after due_on.
 */
import type pg from 'pg';
import { withTransaction } from '../db/queryable.js';
import { planDeliveries } from '../notify/plan-deliveries.js';
import { addDays, shanghaiDayStart, toShanghaiDay } from '../time/shanghai.js';
import type { AlertText } from './alert-queries.js';
import { planContext, type AlertSettings } from './alert-settings.js';
import { targetRecipients } from './routing.js';
import { openTaskAlert as openAlert } from './task-alert-open.js';
import { smsTaskWhat, taskLabel, taskLabelEn } from './task-names.js';
import { overdueTasksWithoutAlert, type OverdueTaskRow } from './task-overdue-queries.js';

export interface TaskOverdueContext {
  now: Date;
  settings: AlertSettings;
  smsEnabled: boolean;
  /** TASK_OVERDUE_LOOKBACK_DAYS: older deadlines are history, not new alerts. */
  lookbackDays: number;
}

const SMS_ROLES = new Set(['main', 'lead']);

export function taskOverdueText(t: OverdueTaskRow): AlertText {
  // Names, not ids: an official reads "区生态环境局", not "eeb" (seen in the demo's overdue e-mail).
  // And the task by its name as the plan writes it, the id in brackets: 加强新污染物治理（TZ24-SOIL-032）.
  const pending = t.pending_units_zh.join('、');
  const name = t.name_zh.trim();
  return {
    titleZh: `任务逾期未完成：${taskLabel(t)}`,
    titleEn: `Task overdue: ${taskLabelEn(t)}`,
    bodyZh: `任务${name === '' ? '' : `「${name}」`}（${t.id}）完成时限为「${t.deadline_zh}」（${t.due_on}），已逾期，尚未上报已完成。未完成单位：${pending}。`,
    bodyEn: `Task ${name === '' ? '' : `“${name}” `}(${t.id}) was due ${t.due_on} ("${t.deadline_zh}") and is not reported done. Units not done: ${pending}.`,
    // whatZh/whatEn: the SMS of an alert that is not a target's uses the operational template (render-sms.ts).
    facts: {
      task: t.id,
      due: t.due_on,
      units: pending,
      // The SMS: the name shortened so that the id still fits; the due day is in the e-mail.
      whatZh: smsTaskWhat(t, '逾期未完成'),
      whatEn: smsTaskWhat(t, ' overdue', true),
    },
  };
}

async function openTaskAlert(db: pg.Pool, t: OverdueTaskRow, ctx: TaskOverdueContext) {
  return withTransaction(db, async (tx) => {
    const year = Number(t.due_on.slice(0, 4));
    const alert = await openAlert(tx, {
      kind: 'task_overdue',
      dedupeKey: `task|${t.id}`,
      periodKey: String(year),
      districtId: t.district_id,
      year,
      severity: 'warning',
      condition: 'overdue',
      text: taskOverdueText(t),
      deadlineAt: shanghaiDayStart(addDays(t.due_on, 1)),
      at: ctx.now,
      about: { taskId: t.id },
      detail: { task: t.id },
    });
    const recipients = await targetRecipients(
      tx,
      {
        mainUnitIds: t.main_unit_ids,
        assistUnitIds: t.assist_unit_ids,
        leadOfficialIds: t.lead_official_ids,
        districtId: t.district_id,
        scopeId: t.district_id ?? '',
        year,
        day: t.due_on,
      },
      ['main', 'assist', 'lead'],
    );
    const planned = await planDeliveries(
      tx,
      { alertId: alert.id, step: 'open:1', recipients, urgent: false, digest: false, smsRoles: SMS_ROLES },
      // Grouped per person like every other alert: a lead official of many tasks falling due together got one
      // e-mail per task (71 on the demo's last day), and SMS keeps to working days.
      planContext(ctx.now, ctx.smsEnabled, ctx.settings),
    );
    return planned.outboxIds;
  });
}

export async function syncOverdueTasks(
  db: pg.Pool,
  ctx: TaskOverdueContext,
): Promise<{ opened: number; outboxIds: number[] }> {
  const today = toShanghaiDay(ctx.now);
  const rows = await overdueTasksWithoutAlert(db, today, addDays(today, -ctx.lookbackDays));
  const outboxIds: number[] = [];
  for (const t of rows) outboxIds.push(...(await openTaskAlert(db, t, ctx)));
  return { opened: rows.length, outboxIds };
}
