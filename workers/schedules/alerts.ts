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
];
