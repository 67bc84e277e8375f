import { defineSchedule, type ScheduleDefinition } from '../define-schedule.js';

/**
 * Cron schedules owned by the alerts domain (Asia/Shanghai). One sweep a minute drives everything that
 * depends on time (escalation, quiet hours, retries, digest at ALERT_DIGEST_TIME, warnings, stale
 * sources); its minute resolution is the resolution of those times.
 */
export const alertsSchedules: ScheduleDefinition[] = [
  defineSchedule({
    id: 'alert-sweep',
    cron: '* * * * *',
    job: 'alert-sweep',
    payload: (tick) => ({ tick: tick.toISOString() }),
  }),
  // SMS delivery reports: most arrive within a minute or two of acceptance.
  defineSchedule({
    id: 'sms-receipts',
    cron: '*/2 * * * *',
    job: 'poll-sms-receipts',
    payload: (tick) => ({ tick: tick.toISOString() }),
  }),
  // Tasks past their due date: once a day, early, so the alert is there when the units start work.
  defineSchedule({
    id: 'task-overdue',
    cron: '5 0 * * *',
    job: 'task-overdue',
    payload: (tick) => ({ tick: tick.toISOString() }),
  }),
  // Task reminders at 09:00, inside working hours, so the SMS of the cut-off reminder is not held back and
  // the units read it the day it is due. The jobs decide from the calendar whether today is a reminder day.
  defineSchedule({
    id: 'task-report-reminders',
    cron: '0 9 * * *',
    job: 'task-report-reminders',
    payload: (tick) => ({ tick: tick.toISOString() }),
  }),
  defineSchedule({
    id: 'task-deadline-reminders',
    cron: '5 9 * * *',
    job: 'task-deadline-reminders',
    payload: (tick) => ({ tick: tick.toISOString() }),
  }),
];
