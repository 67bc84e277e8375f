import { defineSchedule, type ScheduleDefinition } from '../define-schedule.js';

/** Cron schedules owned by the maintenance domain (Asia/Shanghai). */
export const maintenanceSchedules: ScheduleDefinition[] = [
  // 03:30, when no ingest is expected: retention drops whole partitions.
  defineSchedule({
    id: 'storage-policies',
    cron: '30 3 * * *',
    job: 'apply-storage-policies',
    payload: () => ({}),
  }),
];
