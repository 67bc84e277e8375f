/**
 * Starts node-cron tasks that only enqueue. Any number of schedulers may run (two for availability): each
 * cron slot is claimed once in Redis before it enqueues (node-cron's `distributed` run coordinator), and the
 * job id is derived from the schedule and the slot, so a slot yields one job however many schedulers fire it.
 *
 * Why the claim and not the job id alone: a job id collapses a second add only while the first job is still
 * in Redis, and completed jobs are trimmed (DEFAULT_JOB_OPTIONS keeps 1,000 per queue; an alert storm trims a
 * minute's worth in seconds). A scheduler that enqueues late — a blocked event loop, a slow round trip — then
 * created the slot's job again and the work (an alert sweep, a report run) was done twice
 * (tests/runtime/two-schedulers.test.ts).
 */
import cron, { type RunCoordinator, type ScheduledTask } from 'node-cron';
import type { Redis } from 'ioredis';
import { BUSINESS_TZ, HOUR } from '../services/time/shanghai.js';
import type { Logger } from '../services/logging.js';
import { errorMessage } from '../services/errors.js';
import type { Enqueue } from './enqueue.js';
import { jobId } from './queue-names.js';
import type { ScheduleDefinition } from './define-schedule.js';

export interface Scheduler {
  stop(): Promise<void>;
}

/** The job id of one slot: the slot's own time (to the second), the same on every scheduler. */
export function tickJobId(scheduleId: string, slot: Date): string {
  return jobId('cron', scheduleId, slot.toISOString().slice(0, 19));
}

/**
 * A slot is run by the scheduler that first sets its key. The key outlives any clock skew between replicas
 * (an hour) and is never released: a scheduler that fires the slot later must not run it again.
 */
export function redisSlotClaim(redis: Redis, prefix: string): RunCoordinator {
  return {
    async shouldRun(key) {
      return (await redis.set(`${prefix}:cron-slot:${key}`, String(process.pid), 'PX', HOUR, 'NX')) === 'OK';
    },
  };
}

export function startScheduler(
  schedules: readonly ScheduleDefinition[],
  enqueue: Enqueue,
  logger: Logger,
  claim: { redis: Redis; prefix: string },
): Scheduler {
  const runCoordinator = redisSlotClaim(claim.redis, claim.prefix);
  const tasks: ScheduledTask[] = schedules.map((s) =>
    cron.schedule(
      s.cron,
      async (ctx) => {
        // ctx.date is the slot the task matched; triggeredAt is when this process got round to it.
        const slot = ctx.date;
        try {
          await enqueue(s.job, s.payload(slot) as never, { jobId: tickJobId(s.id, slot) });
        } catch (err) {
          logger.error({ schedule: s.id, err: errorMessage(err) }, 'schedule tick could not enqueue');
        }
      },
      { timezone: BUSINESS_TZ, name: s.id, noOverlap: true, distributed: true, runCoordinator },
    ),
  );
  return {
    async stop() {
      await Promise.all(tasks.map((t) => t.stop()));
    },
  };
}
