/**
 * Every cron schedule the scheduler role runs (Asia/Shanghai), one slice per domain. The slices build their
 * entries with defineSchedule (../define-schedule.ts) and do not import this file.
 */
import type { ScheduleDefinition } from '../define-schedule.js';
import { alertsSchedules } from './alerts.js';
import { CORE_SCHEDULES } from './core.js';
import { ingestSchedules } from './ingest.js';
import { maintenanceSchedules } from './maintenance.js';
import { reportsSchedules } from './reports.js';
import { targetsSchedules } from './targets.js';

export function allSchedules(): ScheduleDefinition[] {
  return [
    ...CORE_SCHEDULES,
    ...ingestSchedules,
    ...targetsSchedules,
    ...alertsSchedules,
    ...reportsSchedules,
    ...maintenanceSchedules,
  ];
}
