/**
 * Issue #20: PostgreSQL going away under a checked-out client crashed the process (an 'error' event nobody
 * listened to). The backend is terminated for real, mid-work, on each path that holds a client; each must
 * fail the work it was doing — the batch marked failed — and leave the process and the pool working.
 */
import { describe, expect, it } from 'vitest';
import { withTransaction } from '../../services/db/queryable.js';
import { bulkIngest } from '../../services/ingest/bulk-load.js';
import { ingestRows } from '../../services/ingest/ingest-rows.js';
import type { SourceRecord } from '../../services/ingest/record-kind.js';
import type { RawMeasurement } from '../../services/ingest/validate-measurement.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { batchState, seedRealReference } from '../ingest/fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-04-01T12:00:00+08:00'));
const hour = (h: number): RawMeasurement => ({
  time: `2024-03-20T${String(h).padStart(2, '0')}:00:00+08:00`,
  series: 'st_beiyuan_1',
  metric: 'pm25',
  value: 30 + h,
});

/** Terminates every other backend of this database (the pool's idle clients too: the pool replaces them). */
async function terminateOthers(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  return rows[0]!.n;
}

/** Records of one hour each; after the first `before`, waits for the connection to be cut, then goes on. */
async function* cutAfter(before: number, total: number): AsyncGenerator<SourceRecord<RawMeasurement>[]> {
  for (let h = 0; h < total; h++) {
    if (h === before) {
      // Give the writer time to send what it has, then cut it off while it waits for more.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await terminateOthers()).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    yield [{ row: h + 2, raw: hour(h) }];
  }
}

async function latestBatch(sourceId: string): Promise<number> {
  const { rows } = await db.pool.query<{ id: number }>(
    `SELECT id FROM ingest_batch WHERE source_id = $1 ORDER BY id DESC LIMIT 1`,
    [sourceId],
  );
  return rows[0]!.id;
}

describe('a lost PostgreSQL connection', () => {
  it('fails a bulk load (its batch marked failed) instead of crashing the process', async () => {
    await seedRealReference(db.pool);
    const err = await bulkIngest(
      db.pool,
      { sourceId: 'lost_bulk', adapter: 'bulk' },
      () => cutAfter(2, 6),
      clock,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(await batchState(db.pool, await latestBatch('lost_bulk'))).toMatchObject({ status: 'failed' });
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM measurement WHERE source_id = 'lost_bulk'`,
    );
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('fails a steady ingest batch instead of crashing the process', async () => {
    const err = await ingestRows(
      db.pool,
      { sourceId: 'lost_steady', adapter: 'manual' },
      (async function* () {
        for await (const chunk of cutAfter(2, 4)) yield* chunk.map((c) => c.raw);
      })(),
      clock,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(await batchState(db.pool, await latestBatch('lost_steady'))).toMatchObject({ status: 'failed' });
  });

  it('fails a transaction instead of crashing the process, and the pool serves the next query', async () => {
    const err = await withTransaction(db.pool, async (tx) => {
      await tx.query('SELECT 1');
      await terminateOthers();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await tx.query('SELECT 1');
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const { rows } = await db.pool.query('SELECT 1 AS ok');
    expect(rows).toEqual([{ ok: 1 }]);
  });
});
