/**
 * The demo replayed scaled out — two worker processes, two HJ 212 receivers (the loggers spread over both) and two
 * schedulers, each its own process following the replayed time — against the same replay in one process: the
 * same rows, refusals and revisions (counts and checksums of their deterministic columns), the same final verdict
 * for every target × scope × period, the same problems alerted, no e-mail at the catcher twice and no delivery
 * attempted twice.
 *
 * Not compared: every intermediate evaluation and what it told people. The one-process replay runs no scheduler
 * (replay-year.ts: wall-clock ticks in the middle of a replayed month would make the story depend on the machine's
 * speed); here the schedulers' minute sweeps refresh and evaluate whatever part of a month has arrived, so the
 * scaled-out run has more (partial-month) evaluations, and warnings that fire and resolve within the month
 * ("met" alerts and their notices). That is the scheduler's job, not work done twice. Values are compared to six
 * decimals: a mean refreshed in more steps sums in another order.
 *
 * One month by default (the suite's time budget); SCALED_DEMO_MONTHS=3 replays the quarter.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadConfig, type Config } from '../../config/env.js';
import { runDemo, type DemoRun, type ExternalRoles } from '../../services/demo/run-demo.js';
import { DEFAULT_DEMO_OPTIONS } from '../../services/demo/synthetic/dataset.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { createTestRedis, deleteKeysWithPrefix, uniqueQueuePrefix } from '../helpers/test-redis.js';

const MONTHS = Number(process.env['SCALED_DEMO_MONTHS'] ?? 1);
const CHILD = path.join(import.meta.dirname, 'replay-role-child.ts');
const single = { db: useTestDatabase(), prefix: uniqueQueuePrefix(), outDir: '' };
const scaled = { db: useTestDatabase(), prefix: uniqueQueuePrefix(), outDir: '' };
const children: ChildProcess[] = [];
let one: DemoRun;
let many: DemoRun;

/** A role process of the scaled-out replay; resolves with the receiver's port (or null) once it runs. */
function startRole(config: Config, roles: string, follower?: string): Promise<number | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, ROLE_CONFIG: JSON.stringify(config), ROLES: roles, FOLLOWER: follower ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /ready (\d+|-)/.exec(out);
      if (m) resolve(m[1] === '-' ? null : Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`${roles} exited (${code}):\n${out}`)));
  });
}

async function startScaledOut(config: Config): Promise<ExternalRoles> {
  const started = children.length;
  const [, , h1, h2] = await Promise.all([
    startRole(config, 'workers', 'workers-1'),
    startRole(config, 'workers', 'workers-2'),
    startRole(config, 'hj212', 'hj212-1'),
    startRole(config, 'hj212', 'hj212-2'),
    startRole(config, 'scheduler'),
    startRole(config, 'scheduler'),
  ]);
  return {
    hj212Ports: [h1!, h2!],
    followers: ['workers-1', 'workers-2', 'hj212-1', 'hj212-2'],
    async stop() {
      const mine = children.slice(started);
      await Promise.all(
        mine.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

async function replay(run: typeof single, externalRoles?: typeof startScaledOut): Promise<DemoRun> {
  run.outDir = await mkdtemp(path.join(tmpdir(), 'envwatch-scaled-'));
  const config = loadConfig({
    ...process.env,
    OUT_DIR: run.outDir,
    DROP_DIR: path.join(run.outDir, 'drop'),
    HTTP_PORT: '0',
  });
  return runDemo(
    config,
    {
      ...DEFAULT_DEMO_OPTIONS,
      months: MONTHS,
      serve: false,
      databaseUrl: run.db.url,
      queuePrefix: run.prefix,
      stepTimeoutMs: 5 * 60_000,
      externalRoles,
    },
    () => undefined,
  );
}

beforeAll(async () => {
  one = await replay(single);
  many = await replay(scaled, startScaledOut);
}, 30 * 60_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  const redis = createTestRedis();
  for (const run of [single, scaled]) {
    await deleteKeysWithPrefix(redis, run.prefix);
    if (run.outDir) await rm(run.outDir, { recursive: true, force: true });
  }
  redis.disconnect();
});

/** Count and checksum of a table's deterministic columns (no serial ids, no wall-clock stamps). */
async function digest(pool: pg.Pool, table: string, columns: string): Promise<{ n: number; md5: string }> {
  const { rows } = await pool.query<{ n: number; md5: string }>(
    `SELECT count(*)::int AS n, coalesce(md5(string_agg(r, E'\\n' ORDER BY r)), '') AS md5
       FROM (SELECT concat_ws('|', ${columns}) AS r FROM ${table}) t`,
  );
  return rows[0]!;
}

const TABLES: Record<string, string> = {
  measurement: 'series_id, metric_id, ts, value, flags, data_version, source_id, revision',
  measurement_revision: 'series_id, metric_id, ts, value, flags, data_version, source_id, revision',
  refused_row: 'source_id, record_kind, row_number, raw, reason_code, reason_detail, status',
  // The last verdict of every target × scope × period.
  '(SELECT DISTINCT ON (target_id, scope_id, period_key) * FROM evaluation ORDER BY target_id, scope_id, period_key, id DESC) e':
    'target_id, scope_id, period_key, as_of, status, round(value::numeric, 6), round(threshold::numeric, 6), round(coverage::numeric, 6), data_version, final',
  // The problems told: breaches and risks, heavy-pollution warnings, operational alerts.
  "(SELECT * FROM alert WHERE kind <> 'target' OR condition IN ('breached', 'at_risk')) a":
    'kind, dedupe_key, target_id, scope_id, period_key, source_id, warning_level, state, severity, condition',
};

async function digests(pool: pg.Pool): Promise<Record<string, { n: number; md5: string }>> {
  const out: Record<string, { n: number; md5: string }> = {};
  for (const [table, columns] of Object.entries(TABLES))
    out[table.slice(0, 60)] = await digest(pool, table, columns);
  // Batches: the receivers commit the loggers' packets in rounds of their own, so compare what was received.
  const { rows } = await pool.query<Record<string, number>>(
    `SELECT count(*) FILTER (WHERE status <> 'done')::int AS "notDone", sum(received)::int AS received,
            sum(refused)::int AS refused, sum(inserted + updated + unchanged)::int AS stored FROM ingest_batch`,
  );
  out['ingest_batch'] = { n: rows[0]!['received']!, md5: JSON.stringify(rows[0]) };
  return out;
}

/** The X-Envwatch-Delivery header (a delivery's idempotency key) of every e-mail the catcher received. */
async function caughtDeliveryKeys(outDir: string): Promise<string[]> {
  const dir = path.join(outDir, 'mail');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.eml'));
  const keys: string[] = [];
  for (const f of files) {
    const head = (await readFile(path.join(dir, f), 'utf8')).split(/\r?\n\r?\n/)[0]!;
    keys.push(/^X-Envwatch-Delivery: *(.+)$/im.exec(head)?.[1]?.trim() ?? `(none) ${f}`);
  }
  return keys;
}

test('scaled out, the replay stores the same rows, reaches the same verdicts and alerts the same problems', async () => {
  expect(many.summary.rows).toEqual(one.summary.rows);
  expect(many.summary.refusedByReason).toEqual(one.summary.refusedByReason);
  expect(many.summary.failedJobs).toEqual({ failed: 0, retrying: 0 });
  expect(await digests(scaled.db.pool)).toEqual(await digests(single.db.pool));
  // Something to compare: the month raised alerts and sent mail.
  expect(many.summary.rows.received).toBeGreaterThan(0);
  expect((await digest(single.db.pool, 'alert', 'kind')).n).toBeGreaterThan(0);
});

test('no e-mail reaches the catcher twice, and no delivery is attempted twice', async () => {
  const [a, b] = await Promise.all([caughtDeliveryKeys(single.outDir), caughtDeliveryKeys(scaled.outDir)]);
  expect(new Set(b).size).toBe(b.length);
  expect(new Set(a).size).toBe(a.length);
  expect(b.length).toBeGreaterThan(0);
  const { rows } = await scaled.db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM delivery WHERE status = 'sent' AND attempts <> 1`,
  );
  expect(rows[0]!.n).toBe(0);
});
