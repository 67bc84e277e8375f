/**
 * One tick of one schedule: claim each due slot and enqueue its job, retrying a failed enqueue (a Redis blip,
 * a BullMQ error) with a doubling pause while the slot is still current. What cannot be enqueued in time is
 * let go (the claim released if still ours) and left for the schedule's next tick, on this scheduler or any
 * other (docs/decisions.md, "A cron slot whose enqueue fails").
 *
 * A slot is current until shortly before the schedule's next slot fires: node-cron runs a schedule's ticks one
 * at a time (noOverlap), so a tick still retrying when the next slot is due would make this scheduler skip it.
 * No slot is worked past its claim's life (an hour): after that the key no longer says whether another
 * scheduler has enqueued it, and a second job for one slot is what the claim exists to prevent.
 */
import { errorMessage, isPermanent } from '../services/errors.js';
import type { Logger } from '../services/logging.js';
import { metrics } from '../services/metrics/metrics.js';
import { SECOND } from '../services/time/shanghai.js';
import type { ScheduleDefinition } from './define-schedule.js';
import type { Enqueue } from './enqueue.js';
import { jobId } from './queue-names.js';
import type { SlotClaims } from './slot-claim.js';

export interface SlotRetry {
  /** First pause after a failed attempt; it doubles up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** How long a claim lasts, and so how long after its time a slot may still be enqueued. */
  claimTtlMs: number;
}

export interface TickContext {
  schedule: ScheduleDefinition;
  claims: SlotClaims;
  enqueue: Enqueue;
  logger: Logger;
  retry: SlotRetry;
  /** Aborted when the scheduler stops: no more waiting, what is left is let go for another scheduler. */
  stopping: AbortSignal;
}

/** The job id of one slot: the slot's own time (to the second), the same on every scheduler. */
export function tickJobId(scheduleId: string, slot: Date): string {
  return jobId('cron', scheduleId, slot.toISOString().slice(0, 19));
}

interface Pending {
  slot: Date;
  held: boolean;
  attempts: number;
  /** Give up once the next attempt would come after this (ms since the epoch). */
  until: number;
  err?: unknown;
}

/**
 * A bound on each Redis round trip made while letting a slot go (Redis may be what is failing): until just
 * before the next slot, and never less than this. Unanswered, the release and the orphan still run when the
 * connection comes back (the slot is also remembered in the process), and the claim, if it stays, is ours.
 */
const LET_GO_MIN_WAIT = 100;
const letGoUntil = (nextSlot: Date) => Math.max(Date.now() + LET_GO_MIN_WAIT, nextSlot.getTime() - 50);

/**
 * Enqueues `slots` (oldest first; earlier slots carried from previous ticks, then the tick's own) and returns
 * the ones left for the next tick. `nextSlot` is when the schedule fires again.
 */
export async function enqueueSlots(ctx: TickContext, slots: Date[], nextSlot: Date): Promise<Date[]> {
  const { retry } = ctx;
  const current = slots.at(-1)!;
  // A quarter of the gap, at most a second: time to let the slot go before the next tick starts.
  const tickEnd = nextSlot.getTime() - Math.min(SECOND, (nextSlot.getTime() - current.getTime()) / 4);
  let pending: Pending[] = slots.map((slot) => ({
    slot,
    held: false,
    attempts: 0,
    until: Math.min(tickEnd, slot.getTime() + retry.claimTtlMs),
  }));
  const left: Date[] = [];
  let pause = retry.firstDelayMs;
  while (pending.length > 0) {
    const next: Pending[] = [];
    for (const p of pending) {
      const outcome = await attempt(ctx, p, p.slot !== current);
      if (outcome === 'failed') next.push(p);
      if (outcome === 'permanent') await letGo(ctx, p, nextSlot, left);
    }
    const now = Date.now();
    pending = [];
    for (const p of next) {
      if (ctx.stopping.aborted || now + pause >= p.until) await letGo(ctx, p, nextSlot, left);
      else pending.push(p);
    }
    if (pending.length === 0) break;
    await sleep(pause, ctx.stopping);
    pause = Math.min(pause * 2, retry.maxDelayMs);
  }
  return left;
}

async function attempt(
  ctx: TickContext,
  p: Pending,
  carried: boolean,
): Promise<'done' | 'taken' | 'failed' | 'permanent'> {
  const { schedule: s, claims } = ctx;
  try {
    if (!p.held) {
      // Not ours: another scheduler has the slot (it enqueues it, or lets it go for a later tick).
      if (!(await settleBy(claims.claim(s.id, p.slot), p.until, ctx.stopping))) return 'taken';
      p.held = true;
    }
    const payload = s.payload(p.slot) as never;
    await settleBy(ctx.enqueue(s.job, payload, { jobId: tickJobId(s.id, p.slot) }), p.until, ctx.stopping);
  } catch (err) {
    p.attempts += 1;
    p.err = err;
    if (p.attempts === 1) {
      ctx.logger.warn(
        { schedule: s.id, slot: p.slot.toISOString(), err: errorMessage(err) },
        'schedule slot could not be enqueued; retrying',
      );
    }
    return isPermanent(err) ? 'permanent' : 'failed';
  }
  if (p.attempts > 0 || carried) {
    metrics.scheduleSlots.inc({ schedule: s.id, outcome: 'recovered' });
    ctx.logger.info(
      { schedule: s.id, slot: p.slot.toISOString(), attempts: p.attempts + 1, carried },
      'schedule slot enqueued after a failure',
    );
  }
  if (carried) {
    // Left in place, the orphan is enqueued again by a later tick under the same job id, which BullMQ collapses.
    const until = Math.max(p.until, Date.now() + LET_GO_MIN_WAIT);
    await settleBy(ctx.claims.removeOrphan(s.id, p.slot), until).catch((err: unknown) =>
      ctx.logger.warn(
        { schedule: s.id, slot: p.slot.toISOString(), err: errorMessage(err) },
        'orphan not removed',
      ),
    );
  }
  return 'done';
}

/**
 * Releases the claim (only if still ours: compare-and-delete) and, while the slot may still be enqueued after
 * the next tick has come, records it as an orphan so any scheduler's next tick takes it; else it is dropped.
 */
async function letGo(ctx: TickContext, p: Pending, nextSlot: Date, left: Date[]): Promise<void> {
  const { schedule: s, claims, logger } = ctx;
  const fields = {
    schedule: s.id,
    slot: p.slot.toISOString(),
    attempts: p.attempts,
    err: errorMessage(p.err),
  };
  try {
    await settleBy(claims.release(s.id, p.slot), letGoUntil(nextSlot));
  } catch (err) {
    // The key stays with our token until it expires: our own next tick may still claim it (it is ours).
    logger.warn({ ...fields, releaseErr: errorMessage(err) }, 'schedule slot claim not released');
  }
  const permanent = isPermanent(p.err);
  let carry = !permanent && p.slot.getTime() + ctx.retry.claimTtlMs > nextSlot.getTime();
  if (carry) {
    try {
      await settleBy(claims.addOrphan(s.id, p.slot), letGoUntil(nextSlot));
    } catch (err) {
      // Only this process remembers the slot now; stopping, it forgets it.
      logger.warn({ ...fields, orphanErr: errorMessage(err) }, 'schedule slot not recorded as an orphan');
      carry = !ctx.stopping.aborted;
    }
  }
  if (carry) {
    left.push(p.slot);
    metrics.scheduleSlots.inc({ schedule: s.id, outcome: 'carried' });
    logger.error(fields, 'schedule slot not enqueued before the next slot');
  } else {
    metrics.scheduleSlots.inc({ schedule: s.id, outcome: 'dropped' });
    const why = permanent
      ? 'refused (a permanent error: retrying cannot change it)'
      : ctx.stopping.aborted
        ? 'the scheduler stopped and Redis did not record it'
        : "its claim's hour is over before the next slot";
    logger.error({ ...fields, why }, 'schedule slot dropped');
  }
}

/**
 * The answer of `work`, or a rejection at `until` or when `stopping` aborts: a round trip to a Redis that has
 * gone away waits for the reconnection (BullMQ's connections retry for ever) and would hold the tick past
 * its slot. A late answer is ignored; an add that lands after all is collapsed by the slot's job id.
 */
export function settleBy<T>(work: Promise<T>, until: number, stopping?: AbortSignal): Promise<T> {
  work.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const done = (settle: () => void) => {
      clearTimeout(timer);
      stopping?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = () => done(() => reject(new Error('scheduler stopping')));
    const timer = setTimeout(
      () => done(() => reject(new Error('no answer while the slot was current'))),
      Math.max(0, until - Date.now()),
    );
    if (stopping?.aborted) return onAbort();
    stopping?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => done(() => resolve(v)),
      (e: unknown) => done(() => reject(e)),
    );
  });
}

function sleep(ms: number, stopping: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      stopping.removeEventListener('abort', finish);
      resolve();
    }
    stopping.addEventListener('abort', finish, { once: true });
  });
}
