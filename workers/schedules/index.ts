/**
 * Every cron schedule the scheduler role runs (Asia/Shanghai), one slice per domain. The slices build their
 * entries with defineSchedule (../define-schedule.ts) and do not import this file.
 */
import { ConfigError } from '../../services/errors.js';
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

/**
 * The schedules with the cron expressions SCHEDULE_CRON gives some of them (config/env.ts has checked the
 * expressions). An id no schedule has is refused at start: a misspelt override would otherwise move nothing.
 */
export function withCronOverrides(
  schedules: readonly ScheduleDefinition[],
  overrides: Readonly<Record<string, string>>,
): ScheduleDefinition[] {
  const ids = new Set(schedules.map((s) => s.id));
  const unknown = Object.keys(overrides).filter((id) => !ids.has(id));
  if (unknown.length > 0) {
    throw new ConfigError(
      unknown.map((id) => `SCHEDULE_CRON: no schedule "${id}" (schedules: ${[...ids].join(', ')})`),
    );
  }
  return schedules.map((s) => ({ ...s, cron: overrides[s.id] ?? s.cron }));
}
