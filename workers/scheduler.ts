/** Starts node-cron tasks that enqueue jobs with deterministic per-tick ids. */
import cron, { type ScheduledTask } from 'node-cron';
import { BUSINESS_TZ } from '../services/time/shanghai.js';
import type { Logger } from '../services/logging.js';
import { errorMessage } from '../services/errors.js';
import type { Enqueue } from './enqueue.js';
import { jobId } from './queue-names.js';
import type { ScheduleDefinition } from './define-schedule.js';

export interface Scheduler {
  stop(): Promise<void>;
}

export function tickJobId(scheduleId: string, tick: Date): string {
  // Minute resolution: replicas whose clocks differ by a few seconds still agree on the tick.
  return jobId('cron', scheduleId, tick.toISOString().slice(0, 16));
}

export function startScheduler(
  schedules: readonly ScheduleDefinition[],
  enqueue: Enqueue,
  logger: Logger,
): Scheduler {
  const tasks: ScheduledTask[] = schedules.map((s) =>
    cron.schedule(
      s.cron,
      async (ctx) => {
        const tick = ctx.triggeredAt ?? new Date();
        try {
          await enqueue(s.job, s.payload(tick) as never, { jobId: tickJobId(s.id, tick) });
        } catch (err) {
          logger.error({ schedule: s.id, err: errorMessage(err) }, 'schedule tick could not enqueue');
        }
      },
      { timezone: BUSINESS_TZ, name: s.id, noOverlap: true },
    ),
  );
  return {
    async stop() {
      await Promise.all(tasks.map((t) => t.stop()));
    },
  };
}
