/**
 * Each role of `envwatch start` alone in its own process, all against one PostgreSQL and one Redis, does its
 * job and only its job: the scheduler enqueues and consumes nothing, the API serves and neither schedules nor
 * consumes, the receiver listens, the workers consume — and no process but the receiver's opens the HJ 212 port,
 * though every one of them is given HJ212_PORT (one env file shared by a deployment's processes).
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../workers/queue-names.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { createTestRedis, deleteKeysWithPrefix, uniqueQueuePrefix } from '../helpers/test-redis.js';
import { freePort, portAccepts, spawnRole, type RoleProcess } from '../helpers/role-process.js';

const db = useTestDatabase();
const prefix = uniqueQueuePrefix();
let redis: Redis;
let queues: Queue[];
const started: RoleProcess[] = [];
let receiverPort: number;
let strayPort: number;

const workerCount = async () =>
  (await Promise.all(queues.map((q) => q.getWorkersCount()))).reduce((a, b) => a + b);
const rollupsQueue = () => queues[QUEUE_NAMES.indexOf('rollups')]!;
const cronJobs = async (state: 'waiting' | 'completed') =>
  (await rollupsQueue().getJobs([state])).filter((j) => j.id?.startsWith('cron__rollups-sweep__'));

function role(roles: string, port: number, extra: Record<string, string> = {}): RoleProcess {
  const p = spawnRole({
    DATABASE_URL: db.url,
    QUEUE_PREFIX: prefix,
    ROLES: roles,
    HJ212_PORT: String(port),
    HTTP_PORT: '0',
    // The rollups sweep every second instead of every minute (the key moves a schedule; config/env.ts), so the
    // scheduler's first slot comes within a second of its start instead of up to a minute later.
    SCHEDULE_CRON: 'rollups-sweep=* * * * * *',
    ...extra,
  });
  started.push(p);
  return p;
}

beforeAll(async () => {
  redis = createTestRedis();
  queues = QUEUE_NAMES.map((name) => new Queue(name, { connection: redis, prefix }));
  receiverPort = await freePort();
  strayPort = await freePort();
});

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  await Promise.all(queues.map((q) => q.close()));
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

describe('roles as separate processes', () => {
  it('each role does only its job', async () => {
    const scheduler = role('scheduler', strayPort);
    const api = role('api', strayPort);
    const receiver = role('hj212', receiverPort);
    await Promise.all([
      scheduler.waitFor(/"msg":"envwatch started"/),
      api.waitFor(/envwatch is running: (\S+)/),
      receiver.waitFor(/HJ 212 receiver listening on 127\.0\.0\.1:\d+/),
    ]);
    const apiUrl = /envwatch is running: (\S+)/.exec(api.output())![1]!;
    expect((await fetch(`${apiUrl}/healthz`)).status).toBe(200);
    expect(await portAccepts(receiverPort)).toBe(true);
    expect(await portAccepts(strayPort)).toBe(false);
    expect(scheduler.output()).not.toMatch(/envwatch is running|HJ 212 receiver listening/);
    expect(receiver.output()).not.toMatch(/envwatch is running/);
    expect(await workerCount()).toBe(0);

    // The scheduler's next slot: enqueued, and left waiting — nobody here consumes.
    await until(async () => (await cronJobs('waiting')).length > 0, 15_000);
    expect(await workerCount()).toBe(0);

    // A workers-only process (given HJ212_PORT too) consumes what the scheduler enqueued, and listens nowhere.
    const workers = role('workers', strayPort);
    await workers.waitFor(/"msg":"envwatch started"/);
    await until(async () => (await cronJobs('completed')).length > 0, 30_000);
    expect(await workerCount()).toBeGreaterThan(0);
    expect(await portAccepts(strayPort)).toBe(false);
    expect(workers.output()).not.toMatch(/envwatch is running|HJ 212 receiver listening/);

    for (const p of [scheduler, api, receiver, workers]) expect(await p.stop()).toBe(0);
  }, 90_000);
});

async function until(done: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
