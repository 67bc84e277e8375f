/**
 * Cron schedules (Asia/Shanghai). A tick only enqueues; the job id is derived from the schedule and the
 * tick's minute, so two schedulers running at once (two replicas) produce one job, not two.
 */
import type { JobName, JobPayload } from '../registry.js';

export interface ScheduleDefinition<N extends JobName = JobName> {
  id: string;
  cron: string;
  job: N;
  payload: (tick: Date) => JobPayload<N>;
}

export function schedule<N extends JobName>(s: ScheduleDefinition<N>): ScheduleDefinition {
  return s as unknown as ScheduleDefinition;
}

/** Safety nets behind the event-driven path: anything queued but not yet processed is picked up. */
export const CORE_SCHEDULES: ScheduleDefinition[] = [
  schedule({
    id: 'rollups-sweep',
    cron: '* * * * *',
    job: 'refresh-rollups',
    payload: () => ({ reason: 'schedule' }),
  }),
  schedule({
    id: 'evaluate-sweep',
    cron: '*/5 * * * *',
    job: 'evaluate-targets',
    payload: () => ({ reason: 'schedule' }),
  }),
  schedule({ id: 'outbox-sweep', cron: '* * * * *', job: 'relay-outbox', payload: () => ({}) }),
];

import { alertsSchedules } from './alerts.js';
import { ingestSchedules } from './ingest.js';
import { maintenanceSchedules } from './maintenance.js';
import { reportsSchedules } from './reports.js';
import { targetsSchedules } from './targets.js';

/** Every schedule the scheduler role runs. */
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
