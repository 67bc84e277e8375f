/**
 * `npm run bench:alerts`: the alert pipeline on real components (PostgreSQL, Redis, BullMQ workers in this
 * process, a real SMTP server on 127.0.0.1).
 *  1. Latency: 1,000 hard-target breaches committed the way the targets engine commits them (a batch every
 *     50 ms at BENCH_ALERT_RATE, default 50/s), each reaching one person by e-mail; per alert, evaluation
 *     committed → message accepted by the SMTP server: p50/p99. Throughput: another 1,000 committed in one
 *     transaction, and the CPU each alert costs this process (all of the pipeline runs in it).
 *  2. Storm: 10 alerts fanning out to 1,000 people each — the time to plan the 10,000 deliveries and put
 *     them on the queue (sync-alert's own path: one transaction per alert, then the relay).
 *  3. Redis used_memory once the storm has been delivered and completed jobs trimmed.
 * Targets: p99 < 1 s; storm enqueued < 2 s; Redis < 64 MB.
 */
import os from 'node:os';
import { loadConfig } from '../config/env.js';
import { alertDeps } from '../services/alerts/alert-deps.js';
import { syncTargetAlert } from '../services/alerts/sync-target-alert.js';
import { createLogger } from '../services/logging.js';
import { createNotifyChannels } from '../services/notify/channels.js';
import { relayAll } from '../services/outbox/outbox.js';
import { readRedisInfo } from '../services/runtime/redis.js';
import { systemClock } from '../services/time/shanghai.js';
import { closeQueues, createEnqueue, createQueues } from '../workers/enqueue.js';
import { registry } from '../workers/registry.js';
import { startWorkers, type WorkerHost } from '../workers/worker-host.js';
import { createTestDatabase } from '../tests/helpers/test-db.js';
import { createTestRedis, deleteKeysWithPrefix, uniqueQueuePrefix } from '../tests/helpers/test-redis.js';
import { commitBreaches, percentile, seedBench, startSmtpSink } from './alerts-support.js';

const ALERTS = 1000;
// The sustained rate of the latency run; BENCH_ALERT_RATE overrides it (the burst run measures capacity).
// Latency means something only below capacity (~85-95 alerts/s on 2 cores, printed by the burst run): offered
// faster, the run measures the queue it builds. 50/s is 3,000 alerts a minute — a district raises dozens a day.
const RATE_PER_S = Number(process.env['BENCH_ALERT_RATE'] ?? 50);
const TICK_MS = 50;
const STORM_ALERTS = 10;
const STORM_PEOPLE = 1000;

const db = await createTestDatabase();
const sink = await startSmtpSink();
const prefix = uniqueQueuePrefix();
const redis = createTestRedis();
const config = loadConfig({
  DATABASE_URL: db.url,
  QUEUE_PREFIX: prefix,
  SMTP_URL: sink.url,
  SMTP_MAX_CONNECTIONS: '16',
  DATABASE_POOL_SIZE: '40',
  EMAIL_RATE_PER_SECOND: '100000',
  // Parts 1-3 time one message per alert; grouping has its own run (bench/alerts-grouping.ts).
  ALERT_GROUP_WAIT_SECONDS: '0',
  LOG_LEVEL: 'silent',
});
const logger = createLogger({ level: 'silent' });
const queues = createQueues(redis, prefix);
const channels = createNotifyChannels(config, redis);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
let host: WorkerHost | null = null;

/** CPU seconds this process used while `fn` ran: the machine-independent cost, whatever the load around it. */
async function withCpu<T>(fn: () => Promise<T>): Promise<T & { cpuS: number }> {
  const c0 = process.cpuUsage();
  const r = await fn();
  const c = process.cpuUsage(c0);
  return { ...r, cpuS: (c.user + c.system) / 1e6 };
}

/** Commits breaches of `targets` at `rate` per second (Infinity: one transaction) and times each to its e-mail. */
async function runAlerts(targets: readonly string[], rate: number) {
  const committedAt = new Map<string, number>();
  const perTick = rate === Infinity ? targets.length : Math.max(1, Math.round((rate * TICK_MS) / 1000));
  const start = performance.now();
  for (let i = 0, tick = 0; i < targets.length; i += perTick, tick++) {
    const batch = targets.slice(i, i + perTick);
    await commitBreaches(db.pool, batch);
    const t = performance.now();
    for (const id of batch) committedAt.set(id, t);
    await wait(Math.max(0, start + (tick + 1) * TICK_MS - performance.now()));
  }
  const { rows } = await db.pool.query<{ id: number; target_id: string }>(
    `SELECT id, target_id FROM alert WHERE target_id = ANY ($1)`,
    [targets],
  );
  const alertIds = new Map(rows.map((r) => [String(r.id), r.target_id]));
  const latencies: number[] = [];
  let last = 0;
  while (latencies.length < targets.length) {
    if (performance.now() - start > 180_000)
      throw new Error(`only ${latencies.length} of ${targets.length} e-mails arrived`);
    await wait(20);
    latencies.length = 0;
    for (const [key, at] of sink.accepted) {
      const target = alertIds.get(key.split('|')[0]!) ?? null;
      if (target === null) continue;
      latencies.push(at - committedAt.get(target)!);
      last = Math.max(last, at);
    }
    if (alertIds.size < targets.length) {
      const more = await db.pool.query<{ id: number; target_id: string }>(
        `SELECT id, target_id FROM alert WHERE target_id = ANY ($1)`,
        [targets],
      );
      for (const r of more.rows) alertIds.set(String(r.id), r.target_id);
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    n: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1)!,
    seconds: (last - start) / 1000,
  };
}

try {
  const latencyTargets = await seedBench(db.pool, {
    unit: 'bench_latency',
    people: 1,
    targets: 2 * ALERTS,
    prefix: 'BL',
  });
  const stormTargets = await seedBench(db.pool, {
    unit: 'bench_storm',
    people: STORM_PEOPLE,
    targets: STORM_ALERTS,
    prefix: 'BS',
  });
  host = startWorkers(
    {
      config,
      db: db.pool,
      logger,
      clock: systemClock,
      enqueue: createEnqueue(queues, registry),
      queues,
      channels,
      connection: redis,
    },
    ['alerts', 'deliveries'],
  );
  await wait(500); // workers connected, outbox LISTEN in place

  // ---- 1a. latency at a sustained rate ----
  console.log(
    `machine: ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const lat = await withCpu(() => runAlerts(latencyTargets.slice(0, ALERTS), RATE_PER_S));
  console.log(
    `latency, evaluation committed → accepted by SMTP, ${lat.n} alerts offered at ${RATE_PER_S}/s (batches every ${TICK_MS} ms):`,
  );
  console.log(
    `  p50 ${lat.p50.toFixed(0)} ms   p99 ${lat.p99.toFixed(0)} ms   max ${lat.max.toFixed(0)} ms   (${lat.seconds.toFixed(2)} s in all)`,
  );
  // ---- 1b. throughput: the same 1,000 alerts committed in one transaction ----
  const burst = await withCpu(() => runAlerts(latencyTargets.slice(ALERTS), Infinity));
  console.log(
    `throughput, ${burst.n} alerts committed at once: ${(burst.n / burst.seconds).toFixed(0)} alerts/s ` +
      `(last e-mail after ${burst.seconds.toFixed(2)} s; p50 ${burst.p50.toFixed(0)} ms, p99 ${burst.p99.toFixed(0)} ms)`,
  );
  // Workers, relay and the SMTP server all run in this one Node process: CPU per alert bounds what one
  // process can do (1 / cost per core), and shows how much of the wall time was waiting for a busy machine.
  const perAlertMs = (burst.cpuS * 1000) / burst.n;
  console.log(
    `  CPU in this process ${perAlertMs.toFixed(1)} ms per alert (incl. the SMTP server) → at most ` +
      `${(1000 / perAlertMs).toFixed(0)} alerts/s per core; used ${((100 * burst.cpuS) / burst.seconds).toFixed(0)}% of a core`,
  );

  // ---- 2. storm: enqueue 10,000 notifications ----
  await host.close(); // measure the enqueue alone: nothing consumes while it runs
  host = null;
  const evaluationIds = await commitBreaches(db.pool, stormTargets);
  await relayAll(db.pool, queues); // the sync-alert jobs themselves are not part of the storm
  await queues.alerts.drain();
  const deps = alertDeps({ config, db: db.pool, clock: systemClock, channels, logger });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const results = await Promise.all(
    evaluationIds.map(async (id) => {
      const r = await syncTargetAlert(db.pool, id, {
        now: systemClock.now(),
        settings: deps.settings,
        smsEnabled: false,
      });
      await relayAll(db.pool, queues, { ids: r.outboxIds });
      return r.deliveries;
    }),
  );
  const enqueueMs = performance.now() - t0;
  const c1 = process.cpuUsage(c0);
  const planned = results.reduce((a, b) => a + b, 0);
  const waiting = await queues.deliveries.getJobCountByTypes('waiting');
  console.log(
    `storm: ${planned} deliveries planned and ${waiting} jobs on the queue in ${enqueueMs.toFixed(0)} ms ` +
      `(${((c1.user + c1.system) / 1000).toFixed(0)} ms CPU in this process)`,
  );

  // ---- 3. Redis after the storm settles ----
  const before = sink.count();
  host = startWorkers(
    {
      config,
      db: db.pool,
      logger,
      clock: systemClock,
      enqueue: createEnqueue(queues, registry),
      queues,
      channels,
      connection: redis,
    },
    ['alerts', 'deliveries'],
  );
  const t1 = performance.now();
  while (sink.count() - before < planned) {
    if (performance.now() - t1 > 300_000)
      throw new Error(`storm: only ${sink.count() - before} of ${planned} delivered`);
    await wait(100);
  }
  const drainS = (performance.now() - t1) / 1000;
  while ((await queues.deliveries.getJobCountByTypes('active', 'waiting')) > 0) await wait(100);
  const info = await readRedisInfo(redis);
  let ours = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) ours += Number((await redis.memory('USAGE', k)) ?? 0);
  } while (cursor !== '0');
  const completed = await queues.deliveries.getJobCountByTypes('completed');
  console.log(
    `storm delivered in ${drainS.toFixed(1)} s (${(planned / drainS).toFixed(0)} e-mails/s); completed jobs kept: ${completed}`,
  );
  console.log(
    `redis used_memory ${(info.usedMemory / 1048576).toFixed(1)} MB (whole server), keys of this run ${(ours / 1048576).toFixed(1)} MB`,
  );
} finally {
  await host?.close();
  await closeQueues(queues);
  channels.email.close();
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
  await sink.close();
  await db.drop();
}
