/**
 * Issue #20 (high): a push `batch_ref` was refused for ever. A process killed mid-push left its batch
 * 'running' with the reference, and a push whose connection could not be had (a busy pool) failed before its
 * batch could be marked failed — every retry then got 409 "(running)" and the data was never stored. The
 * reference is now held by a session lock of the pushing connection: a running batch whose lock is free has no
 * living owner, is marked failed and gives its reference up to the retry.
 */
import path from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../services/errors.js';
import { openBatch } from '../../services/ingest/batch-queries.js';
import { ingestRecords } from '../../services/ingest/ingest-records.js';
import { measurementKind } from '../../services/ingest/kinds/measurement-kind.js';
import { ingestPushedBatch } from '../../services/ingest/push-batch.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { killWhenOpened } from '../helpers/kill-mid-work.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { batchState, seedRealReference } from '../ingest/fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-04-01T12:00:00+08:00'));
const day = (d: number, h: number) => ({
  time: `2024-03-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00+08:00`,
  series: 'st_beiyuan_1',
  metric: 'pm25',
  value: 20 + h,
});
const push = (pool: pg.Pool, ref: string, measurements: ReturnType<typeof day>[]) =>
  ingestPushedBatch(pool, clock, { sourceId: 'push_src', clientRef: ref, origin: 'test', measurements });

async function batches(ref: string): Promise<{ status: string; client_ref: string | null }[]> {
  const { rows } = await db.pool.query<{ status: string; client_ref: string | null }>(
    `SELECT status, client_ref FROM ingest_batch WHERE source_id = 'push_src'
        AND (client_ref = $1 OR error LIKE '%' || $1 || '%' OR origin = $1) ORDER BY id`,
    [ref],
  );
  return rows;
}

beforeAll(async () => {
  await seedRealReference(db.pool);
});

describe('a push batch_ref after a failure', () => {
  it('is usable again after the pushing process was killed (kill -9) mid-push', async () => {
    await killWhenOpened(path.join(import.meta.dirname, 'push-child.ts'), [db.url, 'killed-ref', '60000']);

    // The retry of a client that saw its connection drop: at most a few seconds of 409 while the server
    // notices the dead session, then stored.
    let answer: Awaited<ReturnType<typeof push>>['answer'] | null = null;
    for (let attempt = 0; attempt < 50 && !answer; attempt++) {
      answer = await push(db.pool, 'killed-ref', [day(1, 1), day(1, 2)]).then(
        (r) => r.answer,
        async (err: unknown) => {
          if (!(err instanceof ConflictError)) throw err;
          await new Promise((resolve) => setTimeout(resolve, 100));
          return null;
        },
      );
    }
    expect(answer).toMatchObject({ received: 2, inserted: 2, replayed: false });
    const { rows } = await db.pool.query<{ status: string; client_ref: string | null }>(
      `SELECT status, client_ref FROM ingest_batch WHERE source_id = 'push_src' ORDER BY id`,
    );
    expect(rows).toEqual([
      { status: 'failed', client_ref: null }, // the killed push, closed with its reason
      { status: 'done', client_ref: 'killed-ref' },
    ]);
  }, 30_000);

  it('is usable again after a push that met a busy pool (its connection taken between two statements)', async () => {
    const small = new pg.Pool({ connectionString: db.url, max: 1, connectionTimeoutMillis: 300 });
    small.on('error', () => undefined);
    // Another request takes the one connection the moment the push gives it back after its second statement
    // (before the fix: after its batch row was written, so the batch's own checkout timed out).
    let held: pg.PoolClient | undefined;
    let releases = 0;
    const grab = () => {
      if (++releases !== 2) return;
      small.off('release', grab);
      void small.connect().then((c) => (held = c));
    };
    small.on('release', grab);
    await push(small, 'busy-ref', [day(2, 1)]).catch((e: unknown) => e);
    small.off('release', grab);
    await new Promise((resolve) => setTimeout(resolve, 50));
    held?.release();
    const retry = await push(small, 'busy-ref', [day(2, 1)]);
    expect(retry.answer).toMatchObject({ received: 1 });
    await small.end();
    expect(await batches('busy-ref')).toContainEqual({ status: 'done', client_ref: 'busy-ref' });
  });

  it('marks a batch failed, not running, when its connection cannot be had', async () => {
    const small = new pg.Pool({ connectionString: db.url, max: 1, connectionTimeoutMillis: 300 });
    small.on('error', () => undefined);
    const batchId = await openBatch(db.pool, {
      sourceId: 'push_src',
      adapter: 'http_push',
      clientRef: 'no-conn',
    });
    const held = await small.connect();
    // Given back after the batch's checkout timed out, in time for the batch to be marked failed.
    setTimeout(() => held.release(), 450);
    const records = [{ row: 1, raw: day(3, 1) }];
    const err = await ingestRecords(
      small,
      { sourceId: 'push_src', adapter: 'http_push' },
      measurementKind,
      records,
      clock,
      {
        batchId,
      },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(await batchState(db.pool, batchId)).toMatchObject({ status: 'failed' });
    await small.end();
  });

  it('still answers 409 while the first push with that reference is alive', async () => {
    const big = Array.from({ length: 28 * 24 }, (_, i) => day(1 + Math.floor(i / 24), i % 24));
    const [a, b] = await Promise.allSettled([push(db.pool, 'twin-ref', big), push(db.pool, 'twin-ref', big)]);
    const outcomes = [a, b].map((r) =>
      r.status === 'fulfilled' ? (r.value.answer.replayed ? 'replayed' : 'stored') : r.reason,
    );
    // One stores; the other either replays the finished batch or is told to retry later — never both store.
    expect(outcomes.filter((o) => o === 'stored')).toHaveLength(1);
    for (const o of outcomes) if (o !== 'stored' && o !== 'replayed') expect(o).toBeInstanceOf(ConflictError);
  });
});
