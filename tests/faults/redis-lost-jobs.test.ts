/**
 * Issue #20 (high): queue jobs lost with Redis were never re-created. Redis restarted without persistence
 * drops the jobs of pending deliveries; the database still says "pending" and nothing sent them (148 of 200
 * for 73 min). Here the jobs are really lost — every key of the test's queue prefix deleted, as an empty Redis
 * after a restart — and the minute sweep must find the pending deliveries without a job and re-create them:
 * every message then arrives, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../services/logging.js';
import { MINUTE, shanghaiInstant } from '../../services/time/shanghai.js';
import { createEnqueue } from '../../workers/enqueue.js';
import { registry } from '../../workers/registry.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { count, insertTarget, recordTestEvaluation, seedDirectory } from '../alerts/fixtures.js';
import { startHarness, type Harness } from '../alerts/harness.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { deleteKeysWithPrefix } from '../helpers/test-redis.js';

const db = useTestDatabase();
let h: Harness;
const hosts: WorkerHost[] = [];

function start(queues: ('alerts' | 'deliveries')[]): WorkerHost {
  const host = startWorkers(
    {
      config: h.config,
      db: db.pool,
      logger: createLogger({ level: 'silent' }),
      clock: h.clock,
      enqueue: createEnqueue(h.queues, registry),
      queues: h.queues,
      channels: h.channels,
      connection: h.redis,
    },
    queues,
  );
  hosts.push(host);
  return host;
}

beforeAll(async () => {
  await seedDirectory(db.pool);
  await insertTarget(db.pool, {
    id: 'T-LOST-01',
    main_units: ['water_bureau'],
    assist_units: ['eeb'],
    lead_officials: [],
  });
  h = await startHarness(db, { now: shanghaiInstant('2024-04-08', 10, 0), workers: false });
});

afterAll(async () => {
  for (const host of hosts) await host.close();
  await h?.close();
});

const pending = () =>
  count(db.pool, `SELECT count(*)::int AS n FROM delivery WHERE mode = 'immediate' AND status = 'pending'`);

describe('Redis restarted without persistence', () => {
  it('re-creates the jobs of pending deliveries it lost, and every message arrives once', async () => {
    // Alerts are planned, their deliveries queued — and no delivery worker runs yet.
    const alerts = start(['alerts']);
    await recordTestEvaluation(db.pool, {
      targetId: 'T-LOST-01',
      scopeId: 'beiyuan',
      periodKey: '2024',
      status: 'breached',
      asOf: '2024-04-07',
    });
    await h.relay();
    for (let i = 0; i < 200 && (await pending()) === 0; i++) await new Promise((r) => setTimeout(r, 25));
    await h.relay();
    const planned = await pending();
    expect(planned).toBeGreaterThan(0);
    expect(await h.queues.deliveries.count()).toBe(planned);
    await alerts.close();

    // Redis comes back empty.
    await deleteKeysWithPrefix(h.redis, h.prefix);
    expect(await h.queues.deliveries.count()).toBe(0);

    start(['deliveries']);
    h.clock.advance(5 * MINUTE);
    const summary = await h.sweep();
    expect(summary['lost.requeued']).toBe(planned);
    await h.settle();
    const sent = await count(
      db.pool,
      `SELECT count(*)::int AS n FROM delivery WHERE mode = 'immediate' AND status = 'sent'`,
    );
    expect(sent).toBe(planned);
    const emails = await count(db.pool, `SELECT count(*)::int AS n FROM delivery WHERE channel = 'email'`);
    const sms = await count(db.pool, `SELECT count(*)::int AS n FROM delivery WHERE channel = 'sms'`);
    expect(h.smtp.messages).toHaveLength(emails);
    expect(new Set(h.smtp.messageIds()).size).toBe(emails);
    expect(h.gateway.messages).toHaveLength(sms);
    expect(emails + sms).toBe(planned);

    // A second sweep finds nothing lost (the jobs are there or done).
    h.clock.advance(5 * MINUTE);
    expect((await h.sweep())['lost.requeued']).toBe(0);
  }, 60_000);
});
