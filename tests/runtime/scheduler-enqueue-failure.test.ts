/**
 * A cron slot whose enqueue fails (a Redis blip, a BullMQ error) after the scheduler has claimed it: the slot's
 * job must still be enqueued, exactly once. The claim is taken before the enqueue, so a failure used to leave
 * the slot claimed and its work lost — for a daily schedule (task reminders, the monthly reports) a whole day.
 * Real Redis and real BullMQ queues; only the enqueue is made to fail, the way a wrapper around it sees a blip.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { ValidationError } from '../../services/errors.js';
import { metrics } from '../../services/metrics/metrics.js';
import {
  createQueues,
  closeQueues,
  createEnqueue,
  type Enqueue,
  type Queues,
} from '../../workers/enqueue.js';
import { registry } from '../../workers/registry.js';
import { defineSchedule } from '../../workers/define-schedule.js';
import { startScheduler, type Scheduler } from '../../workers/scheduler.js';
import { redisSlotClaims, slotClaimKey } from '../../workers/slot-claim.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { createTestRedis, deleteKeysWithPrefix, uniqueQueuePrefix } from '../helpers/test-redis.js';

const prefix = uniqueQueuePrefix();
const opened: { redis: Redis; queues: Queues }[] = [];
const running: Scheduler[] = [];

function replica(): { redis: Redis; queues: Queues; enqueue: Enqueue } {
  const redis = createTestRedis();
  const queues = createQueues(redis, prefix);
  opened.push({ redis, queues });
  return { redis, queues, enqueue: createEnqueue(queues, registry) };
}

/** The scheduler's log lines, parsed, so a test reads what an operator would. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

afterAll(async () => {
  for (const { redis, queues } of opened) {
    await closeQueues(queues);
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  }
});

/** A per-second schedule (so a test sees several slots in a few seconds) of a real job, one id per test. */
function everySecond(id: string) {
  return defineSchedule({ id, cron: '* * * * * *', job: 'relay-outbox', payload: () => ({}) });
}

const outboxQueue = (queues: Queues): Queue => queues[registry['relay-outbox'].queue];

/** Job ids of one schedule in the queue (nobody consumes them here), with how many jobs carry each. */
async function jobsOf(queues: Queues, scheduleId: string): Promise<Map<string, number>> {
  const jobs = await outboxQueue(queues).getJobs(['waiting', 'delayed', 'active', 'completed']);
  const counts = new Map<string, number>();
  for (const j of jobs.filter((j) => j.id?.startsWith(`cron__${scheduleId}__`))) {
    counts.set(j.id!, (counts.get(j.id!) ?? 0) + 1);
  }
  return counts;
}

async function until(done: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a scheduler whose enqueue fails', () => {
  it('lets a claim go only while it is still its own (compare-and-delete)', async () => {
    const { redis } = replica();
    const slot = new Date('2026-01-31T16:00:00Z');
    const mine = redisSlotClaims(redis, prefix, 60_000, 'mine');
    const theirs = redisSlotClaims(redis, prefix, 60_000, 'theirs');
    expect(await mine.claim('daily', slot)).toBe(true);
    expect(await mine.claim('daily', slot)).toBe(true); // a claim whose reply was lost is still ours
    expect(await theirs.claim('daily', slot)).toBe(false);
    // Our claim expired and another scheduler took the slot: letting go must not delete theirs.
    await redis.set(slotClaimKey(prefix, 'daily', slot), 'theirs', 'PX', 60_000);
    expect(await mine.release('daily', slot)).toBe(false);
    expect(await redis.get(slotClaimKey(prefix, 'daily', slot))).toBe('theirs');
    expect(await theirs.release('daily', slot)).toBe(true);
    expect(await redis.exists(slotClaimKey(prefix, 'daily', slot))).toBe(0);
  });

  it('retries within the slot: an enqueue that throws twice still yields the slot its one job', async () => {
    const r = replica();
    const schedule = everySecond('flaky-twice');
    let firstId: string | undefined;
    let thrown = 0;
    const flaky: Enqueue = async (name, payload, opts) => {
      firstId ??= opts!.jobId!;
      if (opts!.jobId === firstId && thrown < 2) {
        thrown += 1;
        throw new Error('Connection is closed.');
      }
      await r.enqueue(name, payload, opts);
    };
    const { logger } = capturedLogger();
    running.push(startScheduler([schedule], flaky, logger, { redis: r.redis, prefix }));
    await until(async () => (await jobsOf(r.queues, schedule.id)).size >= 3, 15_000);
    await running.pop()!.stop();

    const jobs = await jobsOf(r.queues, schedule.id);
    expect(thrown).toBe(2);
    expect(jobs.get(firstId!)).toBe(1);
    expect([...jobs.values()].filter((n) => n !== 1)).toEqual([]);
    // Enqueued: the claim stays, so a late scheduler cannot run the slot again.
    expect(await r.redis.exists(claimKey(schedule.id, firstId!))).toBe(1);
  }, 30_000);

  it('gives a slot up before the next one fires, releases its claim, and enqueues it at the next slot, once', async () => {
    const r = replica();
    const schedule = everySecond('flaky-slot');
    let firstId: string | undefined;
    let failing = true;
    const flaky: Enqueue = async (name, payload, opts) => {
      firstId ??= opts!.jobId!;
      // The first slot fails for the whole of its second; it works again once another slot has been enqueued.
      if (opts!.jobId === firstId && failing) throw new Error('BullMQ: Missing lock for job');
      if (opts!.jobId !== firstId) failing = false;
      await r.enqueue(name, payload, opts);
    };
    const { logger, lines } = capturedLogger();
    const before = await metricValue('flaky-slot', 'carried');
    running.push(startScheduler([schedule], flaky, logger, { redis: r.redis, prefix }));
    await until(() => lines.some((l) => l.msg === 'schedule slot not enqueued before the next slot'), 10_000);
    // The claim was let go when the slot was given up (before the next slot re-claims it).
    const released = await r.redis.exists(claimKey(schedule.id, firstId!));
    await until(async () => (await jobsOf(r.queues, schedule.id)).has(firstId!), 10_000);
    await until(async () => (await jobsOf(r.queues, schedule.id)).size >= 3, 10_000);
    await running.pop()!.stop();

    const jobs = await jobsOf(r.queues, schedule.id);
    expect(jobs.get(firstId!)).toBe(1);
    expect([...jobs.values()].filter((n) => n !== 1)).toEqual([]);
    expect(released).toBe(0);
    const given = lines.find((l) => l.msg === 'schedule slot not enqueued before the next slot')!;
    expect(given).toMatchObject({
      schedule: 'flaky-slot',
      slot: isoOf(firstId!),
      err: 'BullMQ: Missing lock for job',
    });
    expect(await metricValue('flaky-slot', 'carried')).toBe(before + 1);
  }, 30_000);

  it('with two schedulers, one unable to enqueue at all, the other enqueues every slot the first let go, once', async () => {
    const broken = replica();
    const healthy = replica();
    const schedule = everySecond('one-broken');
    const failing: Enqueue = async () => {
      throw new Error('ERR max number of clients reached');
    };
    const { logger } = capturedLogger();
    const a = startScheduler([schedule], failing, logger, { redis: broken.redis, prefix });
    const b = startScheduler([schedule], healthy.enqueue, logger, { redis: healthy.redis, prefix });
    const start = Date.now();
    await new Promise((r) => setTimeout(r, 5_000));
    // The broken one stops (as a replica whose Redis connection is bad would be restarted); every slot it had
    // claimed was let go, and the healthy one's next ticks take them.
    await a.stop();
    const stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, 2_500));
    await b.stop();

    const jobs = await jobsOf(healthy.queues, schedule.id);
    expect([...jobs.values()].filter((n) => n !== 1)).toEqual([]);
    const slots = new Set([...jobs.keys()].map((id) => Date.parse(isoOf(id))));
    // From the second whole second on (both are surely ticking by then) to the broken one's stop, no gap.
    const expected: number[] = [];
    for (let t = Math.ceil(start / 1000) * 1000 + 1000; t < stoppedAt - 1000; t += 1000) expected.push(t);
    expect(expected.length).toBeGreaterThan(2);
    expect(expected.filter((t) => !slots.has(t)).map((t) => new Date(t).toISOString())).toEqual([]);
  }, 30_000);

  it("drops a slot past its claim's life, and at once one refused as invalid, logged and counted", async () => {
    const r = replica();
    const late = everySecond('claim-over');
    const invalid = everySecond('invalid');
    const firstIds = new Map<string, string>();
    const calls = new Map<string, number>();
    const enqueue: Enqueue = async (name, payload, opts) => {
      const id = opts!.jobId!;
      const schedule = id.split('__')[1]!;
      if (!firstIds.has(schedule)) firstIds.set(schedule, id);
      calls.set(id, (calls.get(id) ?? 0) + 1);
      if (id === firstIds.get('claim-over')) throw new Error('Connection is closed.');
      if (id === firstIds.get('invalid')) throw new ValidationError('invalid payload for job relay-outbox');
      await r.enqueue(name, payload, opts);
    };
    const { logger, lines } = capturedLogger();
    const before = await metricValue('claim-over', 'dropped');
    const beforeInvalid = await metricValue('invalid', 'dropped');
    // A claim of 1.5 s: the first slot is carried once (1.5 s > the next slot's 1 s), then dropped.
    running.push(
      startScheduler([late, invalid], enqueue, logger, { redis: r.redis, prefix }, { claimTtlMs: 1_500 }),
    );
    const dropped = (schedule: string) =>
      lines.find((l) => l.msg === 'schedule slot dropped' && l.schedule === schedule);
    await until(() => Boolean(dropped('claim-over') && dropped('invalid')), 10_000);
    await until(async () => (await jobsOf(r.queues, late.id)).size >= 2, 10_000);
    await running.pop()!.stop();

    const first = firstIds.get('claim-over')!;
    expect((await jobsOf(r.queues, late.id)).has(first)).toBe(false);
    expect(await r.redis.exists(claimKey(late.id, first))).toBe(0);
    expect(dropped('claim-over')).toMatchObject({
      slot: isoOf(first),
      why: "its claim's hour is over before the next slot",
    });
    expect(await metricValue('claim-over', 'dropped')).toBe(before + 1);
    // Refused as invalid: tried once, never retried nor carried.
    expect(calls.get(firstIds.get('invalid')!)).toBe(1);
    expect(dropped('invalid')).toMatchObject({ slot: isoOf(firstIds.get('invalid')!) });
    expect(await metricValue('invalid', 'dropped')).toBe(beforeInvalid + 1);
  }, 30_000);

  it('loses no slot to a Redis outage of seconds (connection cut, then back), and runs none twice', async () => {
    const url = new URL(loadConfig().REDIS_URL);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 6379) });
    // The scheduler's own connection (its claims and its queues) goes through the proxy; the test reads directly.
    const viaProxy = new Redis({
      host: '127.0.0.1',
      port: proxy.port,
      db: Number(url.pathname.slice(1) || 0),
      maxRetriesPerRequest: null,
    });
    const queues = createQueues(viaProxy, prefix);
    const direct = replica();
    const schedule = everySecond('redis-cut');
    try {
      const s = startScheduler([schedule], createEnqueue(queues, registry), capturedLogger().logger, {
        redis: viaProxy,
        prefix,
      });
      running.push(s);
      const start = Date.now();
      await new Promise((r) => setTimeout(r, 2_000));
      const cutAt = Date.now();
      proxy.cut();
      await new Promise((r) => setTimeout(r, 2_500));
      proxy.restore();
      // Back: the slots of the outage are taken up at the next ticks (ioredis reconnects within ~2 s).
      await until(async () => {
        const slots = new Set(
          [...(await jobsOf(direct.queues, schedule.id)).keys()].map((id) => Date.parse(isoOf(id))),
        );
        for (let t = Math.ceil(start / 1000) * 1000 + 1000; t < cutAt + 3_000; t += 1000)
          if (!slots.has(t)) return false;
        return true;
      }, 15_000);
      await running.pop()!.stop();
      const jobs = await jobsOf(direct.queues, schedule.id);
      expect([...jobs.values()].filter((n) => n !== 1)).toEqual([]);
    } finally {
      await closeQueues(queues);
      viaProxy.disconnect();
      await proxy.close();
    }
  }, 40_000);
});

/** '2026-12-07T21:30:05' from the job id (BullMQ refuses ':' in ids, so jobId() turned them into '-'). */
function isoOf(jobId: string): string {
  const m = /(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)$/.exec(jobId)!;
  return `${m[1]}T${m[2]}:${m[3]}:${m[4]}.000Z`;
}

function claimKey(scheduleId: string, jobId: string): string {
  return slotClaimKey(prefix, scheduleId, new Date(isoOf(jobId)));
}

async function metricValue(schedule: string, outcome: string): Promise<number> {
  const m = await metrics.scheduleSlots.get();
  return m.values.find((v) => v.labels.schedule === schedule && v.labels.outcome === outcome)?.value ?? 0;
}
