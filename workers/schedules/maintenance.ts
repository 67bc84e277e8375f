import type { ScheduleDefinition } from './index.js';

/** Cron schedules owned by the maintenance domain (Asia/Shanghai). */
export const maintenanceSchedules: ScheduleDefinition[] = [];
