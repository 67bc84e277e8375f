/**
 * Opening one of the task alerts (task_overdue, task_report_missing, task_due_soon): each is one alert per
 * dedupe key ever, opened under that key's advisory lock (two runs of a daily job at once must not open it
 * twice), with the responsible unit or task written beside it. What differs between them — kind, key, period,
 * wording, severity — is passed as data; who is told stays with each caller.
 */
import type { Queryable } from '../db/queryable.js';
import { insertAlert, lockAlertKey, type AlertRow, type AlertText } from './alert-queries.js';
import { setAlertUnit } from './task-reminder-queries.js';
import { setAlertTask } from './task-overdue-queries.js';

export interface TaskAlertSpec {
  kind: 'task_overdue' | 'task_report_missing' | 'task_due_soon';
  dedupeKey: string;
  periodKey: string;
  districtId: string | null;
  /** The year whose contact directory routes it. */
  year: number;
  severity: 'notice' | 'warning';
  condition: string;
  text: AlertText;
  deadlineAt?: Date;
  at: Date;
  /** What the alert is about: the task (overdue, due soon) or the unit (report missing). */
  about: { taskId: string } | { unitId: string };
  /** Extra detail of the 'opened' event besides the condition. */
  detail: Record<string, unknown>;
}

/** Locks the key and inserts the alert with its 'opened' event; the caller's transaction holds the lock. */
export async function openTaskAlert(tx: Queryable, s: TaskAlertSpec): Promise<AlertRow> {
  await lockAlertKey(tx, s.dedupeKey);
  const alert = await insertAlert(
    tx,
    {
      kind: s.kind,
      dedupeKey: s.dedupeKey,
      periodKey: s.periodKey,
      districtId: s.districtId,
      directoryYear: s.year,
      severity: s.severity,
      urgent: false,
      condition: s.condition,
      text: s.text,
      deadlineAt: s.deadlineAt,
      at: s.at,
    },
    { kind: 'opened', detail: { condition: s.condition, ...s.detail } },
  );
  if ('taskId' in s.about) await setAlertTask(tx, alert.id, s.about.taskId);
  else await setAlertUnit(tx, alert.id, s.about.unitId);
  return alert;
}
