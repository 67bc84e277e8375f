/**
 * Acceptance: a worker process is killed with SIGKILL in the middle of a batch of deliveries and another is
 * started; we count what the SMTP server and the SMS gateway received. Every message arrives. SMS exactly
 * once each: the gateway drops a repeated OutId. E-mail once per Message-ID: an interrupted send is resent
 * with the same Message-ID, and a second copy at the server can only belong to a delivery whose recorded
 * evidence says the whole message had been handed over before the worker died (data_sent_at) — SMTP
 * cannot be asked whether it took it (EMAIL_AMBIGUOUS_POLICY=resend, the default; docs/decisions.md).
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

interface Child {
  process: ChildProcess;
  /** Resolves once the child prints `line`. */
  said(line: string): Promise<void>;
  start(): Promise<void>;
}

/** Spawns a worker process; its modules load (slow under tsx) before it is told to start. */
function spawnChild(): Child {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.resolve(import.meta.dirname, 'fixtures/worker-child.ts')],
    {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        QUEUE_PREFIX: h.prefix,
        SMTP_URL: h.smtp.url,
        SMS_GATEWAY_URL: h.gateway.url,
        SMS_ACCESS_KEY: h.gateway.accessKey,
        SMS_ACCESS_SECRET: h.gateway.accessSecret,
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
    },
  );
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
  await insertTarget(db.pool, {
    id: 'T-CRASH-01',
    year: 2099,
    main_units: ['batch_unit'],
    assist_units: [],
    lead_officials: [],
  });
  h = await startHarness(db, { now: new Date(), workers: false });
  // The servers take a while to answer after storing a message, as real ones do: a kill lands mid-send.
  h.smtp.setReplyDelay(5);
  h.gateway.setReplyDelay(5);
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await h?.close();
});

describe('a worker killed mid-batch', () => {
  // Two worker processes load the whole app under tsx: seconds on a quiet machine, much more on a busy one.
  it(
    'delivers every message: SMS exactly once, e-mail once per Message-ID',
    { timeout: 180_000 },
    async () => {
      const t0 = Date.now();
      const phase: string[] = [];
      await recordTestEvaluation(db.pool, {
        targetId: 'T-CRASH-01',
        scopeId: 'tongzhou',
        periodKey: '2099',
        status: 'breached',
        asOf: '2099-06-01',
      });
      const first = spawnChild();
      const second = spawnChild(); // warmed up now, started only after the first is killed
      await Promise.all([first.said('loaded'), second.said('loaded')]);
      phase.push(`workers loaded ${Date.now() - t0} ms`);
      await first.start();
      // Kill it once about a third of the batch has been accepted.
      await new Promise<void>((resolve) => {
        const t = setInterval(() => {
          if (h.smtp.messages.length + h.gateway.messages.length >= (2 * CONTACTS) / 3) {
            clearInterval(t);
            resolve();
          }
        }, 5);
      });
      first.process.kill('SIGKILL');
      await new Promise((r) => first.process.once('exit', r));
      phase.push(`killed ${Date.now() - t0} ms`);
      const acceptedBeforeKill = h.smtp.messages.length + h.gateway.messages.length;
      expect(acceptedBeforeKill).toBeLessThan(2 * CONTACTS);

      // The sweep, an hour of lease later (injected clock), finds the claims the dead worker held.
      const sweepClock = new ManualClock(new Date(Date.now() + h.deps.settings.leaseMs + MINUTE));
      const deps = alertDeps({
        config: h.config,
        db: db.pool,
        clock: sweepClock,
        channels: h.channels,
        logger: createLogger({ level: 'silent' }),
      });
      const summary = await runAlertSweep(deps, h.queues);
      const interrupted = await count(
        db.pool,
        `SELECT count(*)::int AS n FROM delivery_attempt WHERE outcome = 'interrupted'`,
      );
      expect((summary['leases.resent'] ?? 0) + (summary['leases.held'] ?? 0)).toBe(interrupted);

      await second.start();
      phase.push(`second worker started ${Date.now() - t0} ms`);
      const deadline = Date.now() + 20_000;
      const done = `SELECT count(*)::int AS n FROM delivery d JOIN alert a ON a.id = d.alert_id
                   WHERE a.target_id = 'T-CRASH-01' AND d.status IN ('sent', 'unknown')`;
      while ((await count(db.pool, done)) < 2 * CONTACTS) {
        if (Date.now() > deadline) throw new Error('the second worker did not finish the batch');
        await new Promise((r) => setTimeout(r, 50));
      }

      // SMS: exactly once per person at the gateway.
      expect(h.gateway.messages).toHaveLength(CONTACTS);
      expect(new Set(h.gateway.messages.map((m) => m.phone)).size).toBe(CONTACTS);
      // E-mail: every delivery arrived, once per Message-ID; copies only where the evidence says they may.
      const ids = h.smtp.messageIds();
      const distinct = new Set(ids);
      const stored = await db.pool.query<{ message_id: string; status: string }>(
        `SELECT d.message_id, d.status FROM delivery d JOIN alert a ON a.id = d.alert_id WHERE a.target_id = 'T-CRASH-01' AND d.channel = 'email'`,
      );
      expect(stored.rows.every((r) => r.status === 'sent')).toBe(true);
      expect(distinct).toEqual(new Set(stored.rows.map((r) => r.message_id)));
      expect(new Set(h.smtp.messages.map((m) => m.to[0])).size).toBe(CONTACTS);
      const handedOver = await count(
        db.pool,
        `SELECT count(DISTINCT t.delivery_id)::int AS n FROM delivery_attempt t JOIN delivery d ON d.id = t.delivery_id
        WHERE t.outcome = 'interrupted' AND t.data_sent_at IS NOT NULL AND d.channel = 'email'`,
      );
      const copies = ids.length - distinct.size;
      expect(copies).toBeLessThanOrEqual(handedOver);
      phase.push(`batch complete ${Date.now() - t0} ms`);
      console.info(
        `crash test (${phase.join(', ')}): ${acceptedBeforeKill} accepted before the kill, ${interrupted} claims recovered, ` +
          `${h.gateway.duplicates} SMS repeats dropped by the gateway, ${handedOver} e-mails interrupted after the whole ` +
          `message was handed over, ${copies} of them arrived twice (same Message-ID)`,
      );
    },
  );
});
