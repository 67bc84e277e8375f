/**
 * Two schedulers (two replicas, each with its own Redis connection and queues, as two processes have) fire the
 * same cron slots: each slot must be enqueued and run exactly once. The second scheduler is made late the way
 * a busy replica is — it enqueues only after the slot's job has completed and been trimmed from Redis (what
 * removeOnComplete's count does under a storm) — which a deterministic job id alone does not survive.
 */
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../services/logging.js';
import {
  createQueues,
  closeQueues,
  createEnqueue,
  type Enqueue,
  type Queues,
} from '../../workers/enqueue.js';
import { registry } from '../../workers/registry.js';
import { defineSchedule } from '../../workers/define-schedule.js';
import { startScheduler } from '../../workers/scheduler.js';
import { createTestRedis, deleteKeysWithPrefix, uniqueQueuePrefix } from '../helpers/test-redis.js';

const prefix = uniqueQueuePrefix();
const SLOTS = 4;
const logger = createLogger({ level: 'silent' });
const opened: { redis: Redis; queues: Queues }[] = [];

function replica(): { redis: Redis; queues: Queues; enqueue: Enqueue } {
  const redis = createTestRedis();
  const queues = createQueues(redis, prefix);
  opened.push({ redis, queues });
  return { redis, queues, enqueue: createEnqueue(queues, registry) };
}

afterAll(async () => {
  for (const { redis, queues } of opened) {
    await closeQueues(queues);
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  }
});

describe('two schedulers', () => {
  it(`run each of ${SLOTS} cron slots exactly once, even when one enqueues after the slot's job is gone`, async () => {
    // A per-second schedule so the test sees several slots in a few seconds; the job is a real one.
    const schedule = defineSchedule({
      id: 'test-outbox-sweep',
      cron: '* * * * * *',
      job: 'relay-outbox',
      payload: () => ({}),
    });
    const a = replica();
    const b = replica();
    const ranBySlot = new Map<string, number>();
    const completed = new Map<string, () => void>();
    const completedOnce = new Map<string, Promise<void>>();
    const slotDone = (id: string) => {
      if (!completedOnce.has(id)) completedOnce.set(id, new Promise((r) => completed.set(id, r)));
      return completedOnce.get(id)!;
    };
    const queue = registry['relay-outbox'].queue;
    const worker = new Worker(
      queue,
      async (job) => {
        ranBySlot.set(job.id!, (ranBySlot.get(job.id!) ?? 0) + 1);
      },
      { connection: a.redis.duplicate(), prefix, concurrency: 1 },
    );
    worker.on('completed', (job) => {
      void slotDone(job.id!);
      completed.get(job.id!)!();
    });
    // The first scheduler to reach a slot enqueues at once; a second one for the same slot waits until that
    // job has run, trims completed jobs, then enqueues.
    const seen = new Set<string>();
    const lateOnSecond =
      (enqueue: Enqueue): Enqueue =>
      async (name, payload, opts) => {
        const id = opts!.jobId!;
        if (seen.has(id)) {
          await slotDone(id);
          await a.queues[queue].clean(0, 0, 'completed');
        }
        seen.add(id);
        await enqueue(name, payload, opts);
      };
    const s1 = startScheduler([schedule], lateOnSecond(a.enqueue), logger, { redis: a.redis, prefix });
    const s2 = startScheduler([schedule], lateOnSecond(b.enqueue), logger, { redis: b.redis, prefix });
    await new Promise<void>((resolve) => {
      worker.on('completed', () => {
        if (ranBySlot.size >= SLOTS) resolve();
      });
    });
    await Promise.all([s1.stop(), s2.stop()]);
    // Slots fired just before the stop finish their (possibly late) enqueue and run.
    await Promise.all([...seen].map(slotDone));
    await worker.close();
    expect(ranBySlot.size).toBeGreaterThanOrEqual(SLOTS);
    expect([...ranBySlot.values()].filter((n) => n !== 1)).toEqual([]);
    expect(
      [...ranBySlot.keys()].every((id) =>
        /^cron__test-outbox-sweep__\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d$/.test(id),
      ),
    ).toBe(true);
  }, 30_000);
});
