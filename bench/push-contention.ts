/**
 * `npm run bench:push`: concurrent HTTP pushes that share (station, metric, day) keys, as issue #20 measured
 * them (30 requests/s: 61–112 "deadlock detected" per run, p99 15.7 s, 8 % errors). The real server on
 * 127.0.0.1 with an admin token, POST /api/ingest/measurements in an open loop from a worker thread:
 *   1. overlapping: every push writes the same BENCH_PUSH_STATIONS (4) stations × 24 hours of PM2.5 of one day (a feed re-sending
 *      the day, several senders at once), each in its own shuffled order — rows locked in arbitrary order is
 *      what deadlocked;
 *   2. baseline, same run and rate: each push writes its own station-days (no shared key).
 * Prints per phase the deadlocks (pg_stat_database.deadlocks delta of the bench's database), non-200 answers,
 * p50/p99/max, and the p99 ratio overlapping / baseline. BENCH_PUSH_RATE (30), BENCH_SECONDS (20), BENCH_PUSH_STATIONS (4).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type pg from 'pg';
import { loadConfig } from '../config/env.js';
import { addUser, issueToken } from '../services/auth/accounts.js';
import { SYSTEM_ACTOR } from '../services/auth/audit-log.js';
import { MEASUREMENT_PUSH_PATH } from '../services/api/routes/measurement-push.js';
import { createAppContext } from '../services/runtime/app-context.js';
import { buildServer } from '../services/runtime/http-server.js';
import { ManualClock, shanghaiInstant } from '../services/time/shanghai.js';
import { createTestDatabase } from '../tests/helpers/test-db.js';
import { seedRealReference } from '../tests/ingest/fixtures.js';

const RATE = Number(process.env['BENCH_PUSH_RATE'] ?? 30);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);
const STATIONS = [
  'st_beiyuan_1',
  'st_ronghua_1',
  'st_zhongcang_1',
  'st_yuqiao_1',
  'st_xinhua_1',
  'st_luyuan_1',
  'st_tongyun_1',
  'st_luyi_1',
  'st_jiukeshu_1',
  'st_yangzhuang_1',
  'st_linheli_1',
  'st_wenjing_1',
];
/** Stations per push (24 hours each): 4 → 96 rows, a logger fleet's hourly re-send of a day. */
const PER_PUSH = Number(process.env['BENCH_PUSH_STATIONS'] ?? 4);
const SOURCE = 'bench_push';

interface Result {
  ms: number;
  status: number;
  text: string;
}

const machine = () =>
  `${cpus().length} CPUs, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A deterministic shuffle (the same run twice pushes the same bodies). */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function hour(day: string, h: number): string {
  return `${day}T${String(h).padStart(2, '0')}:00:00+08:00`;
}

/** Push i of a phase: overlapping → the same day's 288 keys in its own order; baseline → a day of its own. */
function body(phase: 'overlap' | 'baseline', i: number): string {
  const day =
    phase === 'overlap'
      ? '2024-03-01'
      : new Date(Date.UTC(2022, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  const rows = STATIONS.slice(0, PER_PUSH).flatMap((series) =>
    Array.from({ length: 24 }, (_, h) => ({
      time: hour(day, h),
      series,
      metric: 'pm25',
      value: 20 + ((h + i) % 60),
    })),
  );
  return JSON.stringify({ source: SOURCE, batch_ref: `${phase}-${i}`, measurements: shuffled(rows, i + 1) });
}

function load(workerData: Record<string, unknown>): Promise<{ results: Result[]; elapsed: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./push-load.mjs', import.meta.url), { workerData });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

async function deadlocks(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT deadlocks::int AS n FROM pg_stat_database WHERE datname = current_database()`,
  );
  return rows[0]!.n;
}

/** pg_stat_database is updated by each backend when it goes idle, and published after a short delay. */
async function settledDeadlocks(pool: pg.Pool): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await pool.query('SELECT pg_stat_clear_snapshot()');
  return deadlocks(pool);
}

async function phase(
  name: 'overlap' | 'baseline',
  pool: pg.Pool,
  target: { url: string; headers: Record<string, string> },
): Promise<number> {
  const bodies = Array.from({ length: Math.round(RATE * SECONDS) }, (_, i) => body(name, i));
  const before = await settledDeadlocks(pool);
  const { results, elapsed } = await load({ ...target, rate: RATE, bodies });
  const after = await settledDeadlocks(pool);
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  const errors = results.filter((r) => r.status !== 200);
  const deadlockAnswers = errors.filter((r) => /deadlock/i.test(r.text)).length;
  const byStatus = new Map<number, number>();
  for (const e of errors) byStatus.set(e.status, (byStatus.get(e.status) ?? 0) + 1);
  console.log(
    `${name === 'overlap' ? 'overlapping keys' : 'baseline, disjoint keys'}: ${results.length} pushes of ${PER_PUSH * 24} rows in ` +
      `${elapsed.toFixed(1)} s at ${RATE}/s; deadlocks ${after - before} (pg_stat_database), errors ${errors.length} ` +
      `(${errors.length === 0 ? 'none' : [...byStatus].map(([s, n]) => `${s}: ${n}`).join(', ')}; naming a deadlock ${deadlockAnswers}); ` +
      `p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`,
  );
  if (errors[0]) console.log(`  first error: ${errors[0].status} ${errors[0].text.slice(0, 300)}`);
  return percentile(sorted, 99);
}

console.log(`machine: ${machine()}`);
const db = await createTestDatabase();
const dir = await mkdtemp(path.join(tmpdir(), 'envwatch-bench-push-'));
try {
  await seedRealReference(db.pool);
  const sourcesFile = path.join(dir, 'sources.yaml');
  await writeFile(
    sourcesFile,
    `sources:\n  - { id: ${SOURCE}, name_zh: 压测推送, adapter: http_push, cadence: hour, expected_lag: 1h, settle_window: 3h, max_rows: 20000 }\n`,
  );
  // The server's own defaults (pool size, connect timeout) — what a deployment runs.
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: db.url,
    SOURCES_FILE: sourcesFile,
    LOG_LEVEL: 'warn',
    QUEUE_PREFIX: `bench-push-${process.pid}`,
  });
  const ctx = createAppContext(config, { clock: new ManualClock(shanghaiInstant('2024-03-02', 12)) });
  const app = await buildServer(ctx);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { user } = await addUser(db.pool, SYSTEM_ACTOR, {
      username: 'bench',
      role: 'admin',
      password: 'bench-password-1',
    });
    const { token } = await issueToken(db.pool, SYSTEM_ACTOR, {
      userId: user.id,
      name: 'bench',
      readOnly: false,
      expiresInDays: 1,
    });
    const target = {
      url: `${base}${MEASUREMENT_PUSH_PATH}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    };
    const probe = await fetch(target.url, {
      method: 'POST',
      headers: target.headers,
      body: body('baseline', 100_000),
    });
    if (probe.status !== 200) throw new Error(`probe push → ${probe.status}: ${await probe.text()}`);
    const overlapP99 = await phase('overlap', db.pool, target);
    console.log(`machine after the overlapping phase: ${machine()}`);
    const baselineP99 = await phase('baseline', db.pool, target);
    console.log(`machine after the baseline phase: ${machine()}`);
    console.log(`p99 ratio overlapping / baseline: ${(overlapP99 / baselineP99).toFixed(2)}`);
  } finally {
    await app.close();
    await ctx.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
  await db.drop();
}
