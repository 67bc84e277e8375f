import { toShanghaiDay } from '../../services/time/shanghai.js';
import { defineSchedule, type ScheduleDefinition } from '../define-schedule.js';

/**
 * Cron schedules owned by the reports domain (Asia/Shanghai). One daily tick at 09:30: the plan decides
 * from REPORT_SETTLE_DAY which months are due and which are re-checked for audited revisions, so changing
 * the settle day needs no schedule change.
 */
export const reportsSchedules: ScheduleDefinition[] = [
  defineSchedule({
    id: 'reports-daily',
    cron: '30 9 * * *',
    job: 'plan-reports',
    payload: (tick) => ({ day: toShanghaiDay(tick) }),
  }),
];
