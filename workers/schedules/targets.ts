import { defineSchedule, type ScheduleDefinition } from '../define-schedule.js';

/**
 * Cron schedules owned by the targets domain (Asia/Shanghai). The event-driven path (rollups → evaluation
 * queue) re-evaluates what data touched; the daily sweep re-evaluates every current period anyway — periods
 * that ended without new data get their verdict, water sections and city rankings delivered outside the
 * rollups are picked up, and a target edited in config/targets is applied. 06:10 follows the overnight
 * deliveries of the previous day's audited-or-provisional data.
 */
export const targetsSchedules: ScheduleDefinition[] = [
  defineSchedule({
    id: 'targets-daily-sweep',
    cron: '10 6 * * *',
    job: 'evaluate-targets',
    payload: () => ({ reason: 'daily-sweep', sweep: true }),
  }),
];
