import { defineSchedule, type ScheduleDefinition } from '../define-schedule.js';

/**
 * Cron schedules owned by the ingest domain (Asia/Shanghai). One tick a minute: the dispatch job reads
 * config/sources.yaml and enqueues each source whose own schedule matches the tick (deterministic job id per
 * source and tick), so an edited sources file takes effect without a restart.
 */
export const ingestSchedules: ScheduleDefinition[] = [
  defineSchedule({
    id: 'ingest-dispatch',
    cron: '* * * * *',
    job: 'ingest-dispatch',
    payload: (tick) => ({ tick: tick.toISOString() }),
  }),
];
