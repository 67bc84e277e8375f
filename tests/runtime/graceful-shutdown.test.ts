/**
 * Graceful shutdown of `envwatch start` (a real child process, the production bin): SIGTERM arrives while a batch
 * of deliveries is being sent. The process must exit 0 within the timeout, its HTTP port closed, with nothing
 * half-done — no delivery left 'sending', no interrupted attempt — and a second process must then send the rest,
 * each delivery reaching its server exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, insertTarget, recordTestEvaluation, seedDirectory } from '../alerts/fixtures.js';
import { startHarness, type Harness } from '../alerts/harness.js';
import { useTestDatabase } from '../helpers/test-db.js';

const db = useTestDatabase();
const BIN = path.resolve(import.meta.dirname, '../../bin/envwatch.mjs');
const CONTACTS = 30;
const TARGET = 'T-SHUTDOWN';
let h: Harness;
const children: ChildProcess[] = [];

interface Started {
  child: ChildProcess;
  apiUrl: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/** `envwatch start` with the workers and the API; resolves once it prints the URL it serves. */
function startEnvwatch(): Promise<Started> {
  const child = spawn(process.execPath, [BIN, 'start', '--wait', '30'], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      QUEUE_PREFIX: h.prefix,
      SMTP_URL: h.smtp.url,
      ...h.smsEnv,
      ROLES: 'workers,api',
      HTTP_PORT: '0',
      ALERT_SMS_WORKING_HOURS: '00:00-23:59',
      // One message per alert, sent at once: this test is about the stop, not about grouping per recipient.
      ALERT_GROUP_WAIT_SECONDS: '0',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (b: Buffer) => {
      output += b.toString();
      const url = /envwatch is running: (\S+)/.exec(output)?.[1];
      if (url) resolve({ child, apiUrl: url, output: () => output, exited });
    });
    void exited.then(({ code }) => reject(new Error(`envwatch start exited with ${code}: ${output}`)));
  });
}

const accepted = () => h.smtp.messages.length + h.aliyun!.messages.length;

async function waitUntil(what: string, done: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function portAccepts(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(u.port), u.hostname);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

const deliveriesIn = (statuses: string[]) =>
  count(
    db.pool,
    `SELECT count(*)::int AS n FROM delivery d JOIN alert a ON a.id = d.alert_id
      WHERE a.target_id = $1 AND d.status = ANY($2)`,
    [TARGET, statuses],
  );

beforeAll(async () => {
  await seedDirectory(db.pool);
  await db.pool.query(
    `INSERT INTO unit (id, name_zh, name_en, kind, district_id) VALUES ('stop_unit', '停机测试单位', 'Shutdown unit', 'department', 'tongzhou')`,
  );
  for (let i = 0; i < CONTACTS; i++) {
    await db.pool.query(
      `INSERT INTO contact (id, name_zh, unit_id, role, email, mobile, year_from) VALUES ($1, $2, 'stop_unit', '联络员', $3, $4, 2020)`,
      [`stop.${i}`, `联络员${i}`, `stop${i}@example.gov.cn`, `+86138000${String(i).padStart(5, '0')}`],
    );
  }
  await insertTarget(db.pool, {
    id: TARGET,
    year: 2099,
    main_units: ['stop_unit'],
    assist_units: [],
    lead_officials: [],
  });
  h = await startHarness(db, { now: new Date(), workers: false, sms: 'aliyun' });
  // Slow servers, so SIGTERM lands while sends are in flight.
  h.smtp.setReplyDelay(40);
  h.aliyun!.setReplyDelay(40);
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await h?.close();
});

describe('SIGTERM to envwatch start', () => {
  it(
    'finishes or releases the jobs in flight, exits 0, and the next process sends the rest once',
    { timeout: 240_000 },
    async () => {
      const first = await startEnvwatch();
      await recordTestEvaluation(db.pool, {
        targetId: TARGET,
        scopeId: 'tongzhou',
        periodKey: '2099',
        status: 'breached',
        asOf: '2099-06-01',
      });
      await waitUntil('a third of the batch at the servers', () => accepted() >= (2 * CONTACTS) / 3, 60_000);
      const t0 = Date.now();
      first.child.kill('SIGTERM');
      const { code, signal } = await first.exited;
      const stopMs = Date.now() - t0;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(stopMs).toBeLessThan(20_000);
      expect(first.output()).toContain('SIGTERM: shutting down\nstopped\n');
      expect(await portAccepts(first.apiUrl)).toBe(false);

      // Nothing half-done: no claim left open, no attempt cut off, and what reached a server is recorded as sent.
      expect(await deliveriesIn(['sending', 'unknown'])).toBe(0);
      const interrupted = await count(
        db.pool,
        `SELECT count(*)::int AS n FROM delivery_attempt WHERE outcome = 'interrupted'`,
      );
      expect(interrupted).toBe(0);
      const atServersAtStop = accepted();
      expect(await deliveriesIn(['sent'])).toBe(atServersAtStop);
      expect(atServersAtStop).toBeLessThan(2 * CONTACTS); // the stop really came mid-batch

      const second = await startEnvwatch();
      await waitUntil(
        'the whole batch sent',
        async () => (await deliveriesIn(['sent'])) === 2 * CONTACTS,
        90_000,
      );
      const ids = [...h.smtp.messageIds(), ...h.aliyun!.messages.map((m) => m.outId)];
      expect(ids).toHaveLength(2 * CONTACTS);
      expect(new Set(ids).size).toBe(2 * CONTACTS); // each delivery exactly once
      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
      console.info(
        `graceful shutdown: ${atServersAtStop}/${2 * CONTACTS} sent before SIGTERM, stopped in ${stopMs} ms`,
      );
    },
  );
});
