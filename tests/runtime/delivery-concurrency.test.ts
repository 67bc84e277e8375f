/**
 * DELIVERY_CONCURRENCY sets how many send-delivery jobs a worker process runs at once (a grouping window brings
 * hundreds of messages due in one second); the other queues keep their own concurrency. Real Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../services/logging.js';
import { systemClock } from '../../services/time/shanghai.js';
import { createEnqueue } from '../../workers/enqueue.js';
import { registry } from '../../workers/registry.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { startHarness, type Harness } from '../alerts/harness.js';
import { useTestDatabase } from '../helpers/test-db.js';

const db = useTestDatabase();
let h: Harness;
let host: WorkerHost | null = null;

beforeAll(async () => {
  h = await startHarness(db, { now: new Date(), workers: false, env: { DELIVERY_CONCURRENCY: '40' } });
});

afterAll(async () => {
  await host?.close();
  await h?.close();
});

describe('DELIVERY_CONCURRENCY', () => {
  it('sizes the deliveries worker and leaves the alerts worker at its own', async () => {
    expect(h.config.DELIVERY_CONCURRENCY).toBe(40);
    host = startWorkers(
      {
        config: h.config,
        db: db.pool,
        logger: createLogger({ level: 'silent' }),
        clock: systemClock,
        enqueue: createEnqueue(h.queues, registry),
        queues: h.queues,
        channels: h.channels,
        connection: h.redis,
      },
      ['alerts', 'deliveries'],
    );
    expect(host.workers.map((w) => [w.name, w.concurrency])).toEqual([
      ['alerts', 8],
      ['deliveries', 40],
    ]);
  });
});
