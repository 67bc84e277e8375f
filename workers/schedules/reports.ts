import type { ScheduleDefinition } from './index.js';

/** Cron schedules owned by the reports domain (Asia/Shanghai). */
export const reportsSchedules: ScheduleDefinition[] = [];
