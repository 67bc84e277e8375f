/**
 * Starts node-cron tasks that only enqueue. Any number of schedulers may run (two for availability): each
 * cron slot is claimed once in Redis before it enqueues, and the job id is derived from the schedule and the
 * slot, so a slot yields one job however many schedulers fire it.
 *
 * Why the claim and not the job id alone: a job id collapses a second add only while the first job is still
 * in Redis, and completed jobs are trimmed (DEFAULT_JOB_OPTIONS keeps 1,000 per queue; an alert storm trims a
 * minute's worth in seconds). A scheduler that enqueues late — a blocked event loop, a slow round trip — then
 * created the slot's job again and the work (an alert sweep, a report run) was done twice
 * (tests/runtime/two-schedulers.test.ts).
 *
 * Why the claim is taken here and not by node-cron's run coordinator: a claimed slot whose enqueue fails is
 * retried, then let go and taken up again at the schedule's next tick — by whichever scheduler ticks, for
 * slots it may never have claimed (slot-enqueue.ts; tests/runtime/scheduler-enqueue-failure.test.ts).
 */
import cron, { type ScheduledTask, type TaskContext } from 'node-cron';
import type { Redis } from 'ioredis';
import { BUSINESS_TZ, HOUR, MINUTE, SECOND } from '../services/time/shanghai.js';
import type { Logger } from '../services/logging.js';
import { errorMessage } from '../services/errors.js';
import { metrics } from '../services/metrics/metrics.js';
import type { Enqueue } from './enqueue.js';
import type { ScheduleDefinition } from './define-schedule.js';
import { redisSlotClaims } from './slot-claim.js';
import { enqueueSlots, settleBy, type SlotRetry, type TickContext } from './slot-enqueue.js';

export { tickJobId } from './slot-enqueue.js';

export interface Scheduler {
  stop(): Promise<void>;
}

/**
 * 100 ms first (a blip is usually over by then), doubling to 30 s (a Redis restart takes seconds to a minute).
 * The claim outlives any clock skew between replicas: an hour.
 */
export const DEFAULT_SLOT_RETRY: SlotRetry = { firstDelayMs: 100, maxDelayMs: 30 * SECOND, claimTtlMs: HOUR };

/** How long stop() lets a tick's round trip finish before it lets the tick's slots go. */
const STOP_GRACE = 2 * SECOND;

export function startScheduler(
  schedules: readonly ScheduleDefinition[],
  enqueue: Enqueue,
  logger: Logger,
  claim: { redis: Redis; prefix: string },
  retry: Partial<SlotRetry> = {},
): Scheduler {
  const policy = { ...DEFAULT_SLOT_RETRY, ...retry };
  const claims = redisSlotClaims(claim.redis, claim.prefix, policy.claimTtlMs);
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const tasks: ScheduledTask[] = schedules.map((schedule) => {
    const ctx: TickContext = { schedule, claims, enqueue, logger, retry: policy, stopping: stopping.signal };
    // Slots of this schedule left by an earlier tick of this process (also in Redis as orphans, unless
    // Redis was what failed), keyed by time.
    const carried = new Map<number, Date>();
    const task = cron.schedule(
      schedule.cron,
      (tc: TaskContext) => {
        const run = tick(ctx, carried, tc).catch((err: unknown) => {
          // A tick never throws to node-cron, whose fallback is console.error: say which schedule and slot.
          logger.error(
            { schedule: schedule.id, slot: tc.date.toISOString(), err: errorMessage(err) },
            'schedule tick failed',
          );
        });
        inFlight.add(run);
        void run.finally(() => inFlight.delete(run));
        return run;
      },
      { timezone: BUSINESS_TZ, name: schedule.id, noOverlap: true },
    );
    // A slot this process did not fire — a tick still running (noOverlap), a blocked event loop — is taken up
    // at the next tick like a carried one, unless another scheduler has claimed it by then.
    const notFired = (why: string) => (tc: TaskContext) => {
      logger.warn(
        { schedule: schedule.id, slot: tc.date.toISOString(), why },
        'schedule slot not fired on time',
      );
      carried.set(tc.date.getTime(), tc.date);
    };
    task.on('execution:overlap', notFired('previous tick still running'));
    task.on('execution:missed', notFired('event loop late'));
    return task;
  });
  return {
    async stop() {
      await Promise.all(tasks.map((t) => t.stop()));
      const grace = new Promise<void>((resolve) => setTimeout(resolve, STOP_GRACE).unref());
      await Promise.race([Promise.allSettled([...inFlight]), grace]);
      stopping.abort();
      await Promise.allSettled([...inFlight]);
    },
  };
}

async function tick(ctx: TickContext, carried: Map<number, Date>, tc: TaskContext): Promise<void> {
  const slot = tc.date;
  // node-cron's next match after now, i.e. after this slot (a minute on if it cannot say: the task stopping).
  const next = tc.task?.getNextRun();
  const nextSlot = next && next > slot ? next : new Date(slot.getTime() + MINUTE);
  const earlier = await earlierSlots(ctx, carried, slot, nextSlot);
  const left = await enqueueSlots(ctx, [...earlier, slot], nextSlot);
  for (const s of earlier) carried.delete(s.getTime());
  for (const s of left) carried.set(s.getTime(), s);
}

/**
 * The slots before `slot` still to enqueue: this process's carried ones and every scheduler's orphans (Redis
 * may be down: then the carried ones alone), oldest first. Past its claim's hour a slot is dropped.
 */
async function earlierSlots(
  ctx: TickContext,
  carried: Map<number, Date>,
  slot: Date,
  nextSlot: Date,
): Promise<Date[]> {
  const { schedule: s, claims, logger, retry } = ctx;
  const since = Date.now() - retry.claimTtlMs;
  for (const [t, d] of carried) {
    if (t > since) continue;
    carried.delete(t);
    metrics.scheduleSlots.inc({ schedule: s.id, outcome: 'dropped' });
    logger.error(
      { schedule: s.id, slot: d.toISOString(), why: "its claim's hour is over" },
      'schedule slot dropped',
    );
  }
  const all = new Map(carried);
  try {
    // Bounded like every round trip of a tick (a Redis that hangs must not hold it): a quarter of the gap.
    const until = slot.getTime() + (nextSlot.getTime() - slot.getTime()) / 4;
    for (const d of await settleBy(claims.orphans(s.id, new Date(since)), until)) all.set(d.getTime(), d);
  } catch (err) {
    logger.warn({ schedule: s.id, err: errorMessage(err) }, 'orphaned schedule slots not read');
  }
  all.delete(slot.getTime());
  return [...all.values()].filter((d) => d < slot).sort((a, b) => a.getTime() - b.getTime());
}
