import type { ScheduleDefinition } from './index.js';

/** Cron schedules owned by the targets domain (Asia/Shanghai). */
export const targetsSchedules: ScheduleDefinition[] = [];
