/**
 * A schedule = an id, a cron expression (Asia/Shanghai) and the job a tick enqueues with its payload. A tick
 * only enqueues; the job id is derived from the schedule and the tick's minute, so two schedulers running at
 * once (two replicas) produce one job, not two. Lives beside define-job.ts so that the per-domain slices in
 * schedules/*.ts and the list in schedules/index.ts depend on it, never on each other.
 */
import type { JobName, JobPayload } from './registry.js';

export interface ScheduleDefinition<N extends JobName = JobName> {
  id: string;
  cron: string;
  job: N;
  payload: (tick: Date) => JobPayload<N>;
}

/** Types the payload against the named job, then widens so schedules of different jobs share one list. */
export function defineSchedule<N extends JobName>(s: ScheduleDefinition<N>): ScheduleDefinition {
  return s as unknown as ScheduleDefinition;
}
