import type { ScheduleDefinition } from './index.js';

/** Cron schedules owned by the alerts domain (Asia/Shanghai). */
export const alertsSchedules: ScheduleDefinition[] = [];
