/**
 * The transactional outbox: rows written in a transaction reach BullMQ only if it commits; the LISTEN
 * relay picks them up as soon as it does; relaying twice never makes two jobs of one row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../../services/db/queryable.js';
import { createLogger } from '../../services/logging.js';
import { startOutboxListener, type OutboxListener } from '../../services/outbox/outbox-listener.js';
import { relayAll, relayOutbox, writeOutbox } from '../../services/outbox/outbox.js';
import { closeQueues, createQueues, type Queues } from '../../workers/enqueue.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { createTestRedis, deleteKeysWithPrefix, uniqueQueuePrefix } from '../helpers/test-redis.js';

const db = useTestDatabase();
const redis = createTestRedis();
const prefix = uniqueQueuePrefix();
let queues: Queues;

beforeAll(() => {
  queues = createQueues(redis, prefix);
});

afterAll(async () => {
  await closeQueues(queues);
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

const msg = (n: number) => ({
  queue: 'deliveries',
  jobName: 'send-delivery',
  jobId: `delivery__${n}__1`,
  payload: { deliveryId: n },
});
const waiting = () => queues.deliveries.getJobCountByTypes('waiting');

describe('the outbox', () => {
  it('relays nothing of a transaction that rolled back', async () => {
    await expect(
      withTransaction(db.pool, async (tx) => {
        await writeOutbox(tx, [msg(1)]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await relayAll(db.pool, queues)).toBe(0);
  });

  it('relays each row once, however often the relay runs', async () => {
    const ids = await writeOutbox(db.pool, [msg(2), msg(3)]);
    expect(await relayOutbox(db.pool, queues, { ids })).toBe(2);
    expect(await relayOutbox(db.pool, queues, { ids })).toBe(0);
    // A relay that died after addBulk and before marking the rows re-adds the same job ids: BullMQ keeps one.
    await db.pool.query(`UPDATE outbox SET relayed_at = NULL WHERE id = ANY ($1::bigint[])`, [ids]);
    expect(await relayAll(db.pool, queues)).toBe(2);
    expect(await waiting()).toBe(2);
  });

  it('is relayed by the LISTEN loop as soon as the writer commits', async () => {
    let listener: OutboxListener | null = null;
    try {
      listener = startOutboxListener({
        db: db.pool,
        queues,
        logger: createLogger({ level: 'silent' }),
        pollMs: 60_000,
      });
      await listener.ready; // LISTENing (and the poll is a minute away: only NOTIFY can relay in time)
      await withTransaction(db.pool, (tx) => writeOutbox(tx, [msg(4)]));
      // The jobs reach BullMQ before the relay's own transaction marks the row: wait for both.
      const unrelayed = async () =>
        (await db.pool.query(`SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL`)).rows[0].n;
      const deadline = Date.now() + 5000;
      while ((await waiting()) < 3 || (await unrelayed()) > 0) {
        if (Date.now() > deadline) throw new Error('not relayed');
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await waiting()).toBe(3);
    } finally {
      await listener?.close();
    }
  });
  it('listens again after losing its connection, and lets go of the one it closed', async () => {
    const backends = async (query: string) =>
      (
        await db.pool.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = $1`,
          [query],
        )
      ).rows.map((r) => r.pid);
    const terminate = (pids: number[]) =>
      db.pool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) pid', [pids]);
    const listener = startOutboxListener({
      db: db.pool,
      queues,
      logger: createLogger({ level: 'silent' }),
      pollMs: 60_000,
    });
    try {
      await listener.ready;
      const first = await backends('LISTEN envwatch_outbox');
      expect(first).toHaveLength(1);
      await terminate(first);
      const deadline = Date.now() + 5000;
      let again: number[] = [];
      while ((again = await backends('LISTEN envwatch_outbox')).filter((p) => p !== first[0]).length === 0) {
        if (Date.now() > deadline) throw new Error('the listener did not reconnect');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(again).not.toContain(first[0]);
    } finally {
      await listener.close();
    }
    // The closed listener's connection is idle in the pool now: losing it is the pool's business, not a
    // second release by the listener (which threw "Release called on client which has already been released").
    await terminate(await backends('UNLISTEN envwatch_outbox'));
    await new Promise((r) => setTimeout(r, 200));
    expect((await db.pool.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });
});
