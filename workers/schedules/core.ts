import { defineSchedule, type ScheduleDefinition } from '../define-schedule.js';

/** Safety nets behind the event-driven path: anything queued but not yet processed is picked up. */
export const CORE_SCHEDULES: ScheduleDefinition[] = [
  defineSchedule({
    id: 'rollups-sweep',
    cron: '* * * * *',
    job: 'refresh-rollups',
    payload: () => ({ reason: 'schedule' }),
  }),
  defineSchedule({
    id: 'evaluate-sweep',
    cron: '*/5 * * * *',
    job: 'evaluate-targets',
    payload: () => ({ reason: 'schedule' }),
  }),
  defineSchedule({ id: 'outbox-sweep', cron: '* * * * *', job: 'relay-outbox', payload: () => ({}) }),
];
