/**
 * `npm run bench:scale`: worker throughput with 1 and 2 worker processes on the same queues.
 *
 * Each run gets a fresh database and queue prefix, and starts W processes of `envwatch start` with ROLES=workers
 * (the production bin, its defaults: concurrency per queue, pool size, lock times). Once they are up, one backlog
 * is released the way the pipeline produces it: three new days of hourly PM2.5 for 100 Tongzhou stations
 * (rollup_queue keys → refresh-rollups → evaluation_queue → evaluate-targets against the shipped 2024 plan) and
 * BREACHES hard-target breaches committed with their sync-alert outbox rows, each reaching PEOPLE contacts by
 * e-mail (sync-alert → send-delivery → a real SMTP server on 127.0.0.1). Timed: release → nothing left on any
 * queue or hand-over table and every message accepted. Printed: jobs completed per second on all queues, the
 * work done (rollup keys, evaluations, deliveries), and the ratio of 2 processes to 1.
 *
 * Two settings differ from the defaults, so the run measures the workers rather than a wait: grouping per
 * recipient is off (ALERT_GROUP_WAIT_SECONDS=0; otherwise every message waits 120 s for company) and the e-mail
 * rate limit is lifted (EMAIL_RATE_PER_SECOND is the provider's limit, shared by all processes through Redis: with
 * it, deliveries run at 100/s however many processes send them).
 */
import os from 'node:os';
import path from 'node:path';
import { QueueEvents } from 'bullmq';
import { loadConfig } from '../config/env.js';
import { waitForIdle } from '../services/demo/wait-idle.js';
import { loadReferenceSet } from '../services/reference/load-reference.js';
import { seedReference } from '../services/reference/seed-reference.js';
import {
  ensurePartitionsFor,
  timeRangeOf,
  upsertMeasurements,
  type MeasurementRow,
} from '../services/store/measurement-queries.js';
import { loadPlanFiles } from '../services/targets/load-targets.js';
import { upsertPlanFile } from '../services/targets/target-queries.js';
import { MINUTE } from '../services/time/shanghai.js';
import { CORE_SCHEDULES } from '../workers/schedules/core.js';
import { closeQueues, createEnqueue, createQueues } from '../workers/enqueue.js';
import { QUEUE_NAMES, jobId } from '../workers/queue-names.js';
import { registry } from '../workers/registry.js';
import { createTestDatabase } from '../tests/helpers/test-db.js';
import { spawnRole, type RoleProcess } from '../tests/helpers/role-process.js';
import { createTestRedis, deleteKeysWithPrefix, uniqueQueuePrefix } from '../tests/helpers/test-redis.js';
import { commitBreaches, seedBench, startSmtpSink } from './alerts-support.js';
import { stationDayRows } from './station-day-rows.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const STATIONS = 100;
const DAYS = ['2024-06-15', '2024-06-16', '2024-06-17'];
const BREACHES = Number(process.env['BENCH_SCALE_BREACHES'] ?? 150);
const PEOPLE = 10;
const PROCESSES = [1, 2];

interface RunResult {
  processes: number;
  seconds: number;
  jobs: number;
  jobsByQueue: Record<string, number>;
  rollupKeys: number;
  evaluations: number;
  deliveries: number;
  accepted: number;
}

async function run(processes: number): Promise<RunResult> {
  const db = await createTestDatabase();
  const sink = await startSmtpSink();
  const prefix = uniqueQueuePrefix();
  const redis = createTestRedis();
  const queues = createQueues(redis, prefix);
  const enqueue = createEnqueue(queues, registry);
  const events = QUEUE_NAMES.map((q) => new QueueEvents(q, { connection: redis.duplicate(), prefix }));
  const workers: RoleProcess[] = [];
  try {
    const pool = db.pool;
    const reference = await loadReferenceSet(path.join(ROOT, 'config/reference'));
    await seedReference(pool, reference);
    const plan = (await loadPlanFiles(path.join(ROOT, 'config/targets'), { reference })).find(
      (p) => p.plan.id === 'tongzhou-2024',
    )!;
    await upsertPlanFile(pool, plan);
    const stations = await benchStations(pool);
    const targets = await seedBench(pool, {
      unit: 'bench_scale',
      people: PEOPLE,
      targets: BREACHES,
      prefix: 'SCALE',
    });

    const env = {
      DATABASE_URL: db.url,
      QUEUE_PREFIX: prefix,
      ROLES: 'workers',
      SMTP_URL: sink.url,
      ALERT_GROUP_WAIT_SECONDS: '0',
      EMAIL_RATE_PER_SECOND: '100000',
    };
    for (let i = 0; i < processes; i++) workers.push(spawnRole(env));
    await Promise.all(workers.map((w) => w.waitFor(/"msg":"envwatch started"/, 120_000)));
    await Promise.all(events.map((e) => e.waitUntilReady()));
    const jobsByQueue: Record<string, number> = {};
    events.forEach((e, i) =>
      e.on('completed', () => (jobsByQueue[QUEUE_NAMES[i]!] = (jobsByQueue[QUEUE_NAMES[i]!] ?? 0) + 1)),
    );

    // The backlog, released as ingest and the targets engine release it.
    const t0 = performance.now();
    const rows = newDays(stations);
    const range = timeRangeOf(rows)!;
    await ensurePartitionsFor(pool, range.min, range.max);
    await upsertMeasurements(pool, rows, { sourceId: 'bench', batchId: null });
    await enqueue('refresh-rollups', { reason: 'bench' }, { dedupeId: 'bench-refresh' });
    await commitBreaches(pool, targets);
    let sweeps = 0;
    await waitForIdle(pool, queues, {
      timeoutMs: 10 * MINUTE,
      now: () => new Date(),
      // What the scheduler's per-minute safety nets would do (no scheduler runs here).
      sweep: async () => {
        sweeps += 1;
        for (const s of CORE_SCHEDULES)
          await enqueue(s.job, s.payload(new Date()) as never, { jobId: jobId('bench-sweep', s.id, sweeps) });
      },
    });
    const expected = BREACHES * PEOPLE;
    while (sink.count() < expected) await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - t0) / 1000;
    const { rows: done } = await pool.query<{ rollups: number; evaluations: number; deliveries: number }>(
      `SELECT (SELECT count(*) FROM scope_daily)::int AS rollups,
              (SELECT count(*) FROM evaluation)::int AS evaluations,
              (SELECT count(*) FROM delivery WHERE status = 'sent')::int AS deliveries`,
    );
    return {
      processes,
      seconds,
      jobs: Object.values(jobsByQueue).reduce((a, b) => a + b, 0),
      jobsByQueue,
      rollupKeys: rows.length / 24,
      evaluations: done[0]!.evaluations,
      deliveries: done[0]!.deliveries,
      accepted: sink.count(),
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(events.map((e) => e.close()));
    await closeQueues(queues);
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
    await sink.close();
    await db.drop();
  }
}

/** Tongzhou's stations of the reference plus bench stations, STATIONS in all, spread over its streets. */
async function benchStations(pool: import('pg').Pool): Promise<string[]> {
  await pool.query(
    `INSERT INTO site (id, kind, name_zh, name_en, district_id, area_id, is_example, note)
     SELECT 'bench_st_' || i, 'air_station', '基准站' || i, 'Bench station ' || i, 'tongzhou',
            (SELECT array_agg(id ORDER BY id) FROM area WHERE district_id = 'tongzhou')[1 + i % 20], true, 'bench'
       FROM generate_series(1, $1::int - (SELECT count(*) FROM site WHERE kind = 'air_station' AND district_id = 'tongzhou')::int) i`,
    [STATIONS],
  );
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM site WHERE kind = 'air_station' AND district_id = 'tongzhou' ORDER BY id`,
  );
  return rows.map((r) => r.id);
}

function newDays(stations: readonly string[]): MeasurementRow[] {
  return DAYS.flatMap((day) => stationDayRows(stations, day));
}

function line(r: RunResult, base: RunResult | null): string {
  const rate = r.jobs / r.seconds;
  const ratio = base ? `  ×${(rate / (base.jobs / base.seconds)).toFixed(2)}` : '';
  return (
    `${String(r.processes).padStart(9)}  ${r.seconds.toFixed(1).padStart(6)} s  ${String(r.jobs).padStart(5)} jobs  ` +
    `${rate.toFixed(0).padStart(5)} jobs/s${ratio.padEnd(8)}  rollup keys ${r.rollupKeys}, evaluations ${r.evaluations}, ` +
    `deliveries ${r.deliveries} (${(r.deliveries / r.seconds).toFixed(0)}/s)  ${JSON.stringify(r.jobsByQueue)}`
  );
}

async function main(): Promise<void> {
  loadConfig(); // the environment's DATABASE_URL / REDIS_URL are the ones the runs clone and share
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ');
  console.log(
    `envwatch bench:scale — ${STATIONS} stations × ${DAYS.length} new days, ${BREACHES} breaches × ${PEOPLE} people by e-mail; ` +
      `ROLES=workers processes of envwatch start (defaults; ALERT_GROUP_WAIT_SECONDS=0, e-mail rate limit lifted)`,
  );
  console.log(`machine: ${os.cpus().length} CPU(s), load average before ${load()}`);
  console.log('processes    time     jobs   throughput  work');
  const results: RunResult[] = [];
  for (const n of PROCESSES) {
    const r = await run(n);
    results.push(r);
    console.log(line(r, results[0] === r ? null : results[0]!));
    if (r.accepted !== BREACHES * PEOPLE || r.deliveries !== BREACHES * PEOPLE) {
      throw new Error(
        `${n} process(es): ${r.deliveries} deliveries sent, ${r.accepted} accepted, expected ${BREACHES * PEOPLE}`,
      );
    }
  }
  console.log(`load average after ${load()}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
