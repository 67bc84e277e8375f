/**
 * Acceptance: a worker process is killed with SIGKILL in the middle of a batch of deliveries and another is
 * started; we count what the SMTP server and the SMS provider (the Aliyun fake, which — like Aliyun —
 * does NOT drop a repeated OutId) received, per delivery, under each ambiguous-window policy
 * (EMAIL_AMBIGUOUS_POLICY and SMS_AMBIGUOUS_POLICY, docs/decisions.md):
 *  - resend: nothing is lost (every delivery reached its server); a copy can only belong to a delivery whose
 *    recorded evidence says the message may have been with the provider when the worker died (data_sent_at);
 *  - hold: nothing arrives twice; every delivery that was in that window is 'unknown' and listed in an
 *    operational alert.
 * The servers answer 5 ms after storing a message, as an MTA syncing its queue file does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertDeps } from '../../services/alerts/alert-deps.js';
import { runAlertSweep } from '../../services/alerts/sweep.js';
import { createLogger } from '../../services/logging.js';
import { ManualClock, MINUTE } from '../../services/time/shanghai.js';
import { count, insertTarget, recordTestEvaluation, seedDirectory } from '../alerts/fixtures.js';
import { startHarness, type Harness } from '../alerts/harness.js';
import { useTestDatabase } from '../helpers/test-db.js';

const db = useTestDatabase();
let h: Harness;
const children: ChildProcess[] = [];
const CONTACTS = 40;
type Policy = 'resend' | 'hold';

interface Child {
  process: ChildProcess;
  /** Resolves once the child prints `line`. */
  said(line: string): Promise<void>;
  start(): Promise<void>;
}

/**
 * Spawns a worker process; its modules load (the compiled app when dist/ is current, else through tsx: slow)
 * before it is told to start.
 */
function spawnChild(policy: Policy): Child {
  const child = spawn(process.execPath, [path.resolve(import.meta.dirname, 'fixtures/worker-child.mjs')], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      QUEUE_PREFIX: h.prefix,
      SMTP_URL: h.smtp.url,
      ...h.smsEnv,
      EMAIL_AMBIGUOUS_POLICY: policy,
      SMS_AMBIGUOUS_POLICY: policy,
      // Working hours all day: the crash test is about delivery, not about when SMS may go out.
      ALERT_SMS_WORKING_HOURS: '00:00-23:59',
      // One message per alert: the crash test counts each delivery (grouping has its own tests).
      ALERT_GROUP_WAIT_SECONDS: '0',
      // A job the dead worker had taken but not yet claimed is BullMQ's to hand on: quickly, here.
      WORKER_LOCK_SECONDS: '2',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  let output = '';
  const listeners: (() => void)[] = [];
  child.stdout!.on('data', (b: Buffer) => {
    output += b.toString();
    listeners.splice(0).forEach((l) => l());
  });
  const said = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (output.includes(`${line}\n`) ? resolve() : listeners.push(check));
      child.once('exit', (code) => reject(new Error(`worker exited with ${code} before saying "${line}"`)));
      check();
    });
  return {
    process: child,
    said,
    async start() {
      child.stdin!.write('start\n');
      await said('started');
    },
  };
}

beforeAll(async () => {
  await seedDirectory(db.pool);
  // A unit with many people: one breach fans out into 2 × CONTACTS deliveries (e-mail and SMS each).
  await db.pool.query(
    `INSERT INTO unit (id, name_zh, name_en, kind, district_id) VALUES ('batch_unit', '批量测试单位', 'Batch unit', 'department', 'tongzhou')`,
  );
  for (let i = 0; i < CONTACTS; i++) {
    await db.pool.query(
      `INSERT INTO contact (id, name_zh, unit_id, role, email, mobile, year_from) VALUES ($1, $2, 'batch_unit', '联络员', $3, $4, 2020)`,
      [`batch.${i}`, `联络员${i}`, `batch${i}@example.gov.cn`, `+86139000${String(i).padStart(5, '0')}`],
    );
  }
  // Runs on the wall clock (a real process): a period and deadline far ahead, so no escalation interferes.
  for (const policy of ['resend', 'hold'] as const) {
    await insertTarget(db.pool, {
      id: `T-CRASH-${policy}`,
      year: 2099,
      main_units: ['batch_unit'],
      assist_units: [],
      lead_officials: [],
    });
  }
  h = await startHarness(db, { now: new Date(), workers: false, sms: 'aliyun' });
  // The servers take a while to answer after storing a message, as real ones do: a kill lands mid-send.
  h.smtp.setReplyDelay(5);
  h.aliyun!.setReplyDelay(5);
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await h?.close();
});

interface Stored {
  id: number;
  channel: 'email' | 'sms';
  message_id: string;
  status: string;
  handed_over: boolean;
}

/** This batch's deliveries, each with whether an interrupted attempt had already handed it over. */
async function storedDeliveries(targetId: string): Promise<Stored[]> {
  const { rows } = await db.pool.query<Stored>(
    `SELECT d.id, d.channel, d.message_id, d.status,
            EXISTS (SELECT 1 FROM delivery_attempt t WHERE t.delivery_id = d.id AND t.outcome = 'interrupted'
                       AND t.data_sent_at IS NOT NULL) AS handed_over
       FROM delivery d JOIN alert a ON a.id = d.alert_id WHERE a.target_id = $1`,
    [targetId],
  );
  return rows;
}

/** Copies that reached each server, per delivery (by Message-ID / OutId), for this batch only. */
function copiesAtServers(stored: readonly Stored[]): Map<number, number> {
  const byId = new Map(stored.map((d) => [d.message_id, d.id]));
  const copies = new Map<number, number>(stored.map((d) => [d.id, 0]));
  const arrived = [...h.smtp.messageIds(), ...h.aliyun!.messages.map((m) => m.outId)];
  for (const mid of arrived) {
    const id = byId.get(mid);
    if (id !== undefined) copies.set(id, copies.get(id)! + 1);
  }
  return copies;
}

async function killMidBatch(policy: Policy, phase: string[], t0: number): Promise<number> {
  const base = h.smtp.messages.length + h.aliyun!.messages.length;
  await recordTestEvaluation(db.pool, {
    targetId: `T-CRASH-${policy}`,
    scopeId: 'tongzhou',
    periodKey: '2099',
    status: 'breached',
    asOf: '2099-06-01',
  });
  const first = spawnChild(policy);
  const second = spawnChild(policy); // warmed up now, started only after the first is killed
  await Promise.all([first.said('loaded'), second.said('loaded')]);
  phase.push(`workers loaded ${Date.now() - t0} ms`);
  await first.start();
  // Kill it once about a third of the batch has been accepted.
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      if (h.smtp.messages.length + h.aliyun!.messages.length - base >= (2 * CONTACTS) / 3) {
        clearInterval(t);
        resolve();
      }
    }, 5);
  });
  first.process.kill('SIGKILL');
  await new Promise((r) => first.process.once('exit', r));
  phase.push(`killed ${Date.now() - t0} ms`);
  const acceptedBeforeKill = h.smtp.messages.length + h.aliyun!.messages.length - base;

  // The sweep, an hour of lease later (injected clock), finds the claims the dead worker held.
  const sweepClock = new ManualClock(new Date(Date.now() + h.deps.settings.leaseMs + MINUTE));
  const deps = alertDeps({
    config: h.config,
    db: db.pool,
    clock: sweepClock,
    channels: h.channels,
    logger: createLogger({ level: 'silent' }),
  });
  const settings = { ...deps.settings, emailAmbiguousPolicy: policy, smsAmbiguousPolicy: policy };
  const summary = await runAlertSweep({ ...deps, settings }, h.queues);
  const interrupted = await count(
    db.pool,
    `SELECT count(*)::int AS n FROM delivery_attempt t JOIN delivery d ON d.id = t.delivery_id
      JOIN alert a ON a.id = d.alert_id WHERE t.outcome = 'interrupted' AND a.target_id = $1`,
    [`T-CRASH-${policy}`],
  );
  expect((summary['leases.resent'] ?? 0) + (summary['leases.held'] ?? 0)).toBe(interrupted);

  await second.start();
  phase.push(`second worker started ${Date.now() - t0} ms`);
  const deadline = Date.now() + 30_000;
  const done = `SELECT count(*)::int AS n FROM delivery d JOIN alert a ON a.id = d.alert_id
               WHERE a.target_id = $1 AND d.status IN ('sent', 'unknown')`;
  while ((await count(db.pool, done, [`T-CRASH-${policy}`])) < 2 * CONTACTS) {
    if (Date.now() > deadline) throw new Error('the second worker did not finish the batch');
    await new Promise((r) => setTimeout(r, 50));
  }
  second.process.kill('SIGKILL');
  await new Promise((r) => second.process.once('exit', r));
  return acceptedBeforeKill;
}

describe.each(['resend', 'hold'] as const)('a worker killed mid-batch, policy %s', (policy) => {
  // Two worker processes load the whole app: seconds on a quiet machine, much more on a busy one.
  it('counts duplicates and losses per channel at the servers', { timeout: 180_000 }, async () => {
    const t0 = Date.now();
    const phase: string[] = [];
    const acceptedBeforeKill = await killMidBatch(policy, phase, t0);
    expect(acceptedBeforeKill).toBeLessThan(2 * CONTACTS);

    const stored = await storedDeliveries(`T-CRASH-${policy}`);
    const copies = copiesAtServers(stored);
    const tally = (channel: 'email' | 'sms') => {
      const mine = stored.filter((d) => d.channel === channel);
      return {
        duplicates: mine.reduce((n, d) => n + Math.max(0, copies.get(d.id)! - 1), 0),
        lost: mine.filter((d) => copies.get(d.id) === 0).length,
        ambiguous: mine.filter((d) => d.handed_over).length,
        unknown: mine.filter((d) => d.status === 'unknown'),
      };
    };
    const sms = tally('sms');
    const email = tally('email');
    phase.push(`batch complete ${Date.now() - t0} ms`);
    console.info(
      `crash test, policy ${policy} (${phase.join(', ')}): ${acceptedBeforeKill} accepted before the kill; ` +
        `SMS ${sms.duplicates} duplicates / ${sms.lost} lost / ${sms.ambiguous} in the ambiguous window / ${sms.unknown.length} held; ` +
        `e-mail ${email.duplicates} duplicates / ${email.lost} lost / ${email.ambiguous} in the ambiguous window / ${email.unknown.length} held`,
    );
    for (const t of [sms, email]) {
      if (policy === 'resend') {
        expect(t.lost).toBe(0);
        expect(t.unknown).toHaveLength(0);
        expect(t.duplicates).toBeLessThanOrEqual(t.ambiguous); // only where the evidence says it may
      } else {
        expect(t.duplicates).toBe(0);
        expect(t.unknown).toHaveLength(t.ambiguous); // every ambiguous delivery is marked…
        expect(t.lost).toBeLessThanOrEqual(t.ambiguous); // …and only those can be missing
      }
    }
    if (policy === 'hold') {
      // …and alerted: each held delivery is listed in an operational alert for a person to check.
      const { rows } = await db.pool.query<{ body_zh: string }>(
        `SELECT body_zh FROM alert WHERE dedupe_key LIKE 'ops|ambiguous|%'`,
      );
      const text = rows.map((r) => r.body_zh).join('\n');
      for (const d of [...sms.unknown, ...email.unknown]) expect(text).toContain(d.message_id);
    }
  });
});
