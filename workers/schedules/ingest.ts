import type { ScheduleDefinition } from './index.js';

/** Cron schedules owned by the ingest domain (Asia/Shanghai). */
export const ingestSchedules: ScheduleDefinition[] = [];
