import { beforeAll, describe, expect, it } from 'vitest';
import {
  ensurePartitionsFor,
  upsertMeasurements,
  writeMeasurements,
  type MeasurementRow,
} from '../../services/store/measurement-queries.js';
import { withTransaction } from '../../services/db/queryable.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from '../ingest/fixtures.js';

const db = useTestDatabase();
const T = new Date('2024-05-01T00:00:00Z');
const row = (over: Partial<MeasurementRow>): MeasurementRow => ({
  ts: T,
  seriesId: 'st_luyuan_1',
  metricId: 'pm25',
  value: 10,
  dataVersion: 0,
  ...over,
});

async function stored(seriesId: string) {
  const { rows } = await db.pool.query(
    `SELECT value, data_version, revision FROM measurement WHERE series_id = $1 ORDER BY ts`,
    [seriesId],
  );
  return rows;
}

describe('writing measurements', () => {
  beforeAll(async () => {
    await seedRealReference(db.pool);
    await ensurePartitionsFor(db.pool, T, new Date('2024-06-30T00:00:00Z'));
  });

  it('inserts new keys, updates changed ones, leaves equal ones and reports provisional values under audited ones', async () => {
    await upsertMeasurements(
      db.pool,
      [
        row({ seriesId: 'st_xiji_1', value: 5 }),
        row({ seriesId: 'st_yongshun_1', value: 7, dataVersion: 1 }),
        row({ seriesId: 'st_liyuan_1', value: 9 }),
      ],
      { sourceId: 'seed', batchId: null },
    );
    const r = await writeMeasurements(
      db.pool,
      [
        row({ seriesId: 'st_huoxian_1', value: 1 }), // new
        row({ seriesId: 'st_xiji_1', value: 6 }), // changed → updated
        row({ seriesId: 'st_yongshun_1', value: 8 }), // provisional under audited → superseded
        row({ seriesId: 'st_liyuan_1', value: 9 }), // equal → unchanged
      ],
      { sourceId: 'test', batchId: null },
    );
    expect(r).toEqual({ inserted: 1, updated: 1, unchanged: 1, superseded: [2] });
    expect(await stored('st_xiji_1')).toEqual([{ value: 6, data_version: 0, revision: 1 }]);
    expect(await stored('st_yongshun_1')).toEqual([{ value: 7, data_version: 1, revision: 0 }]);
    const { rows } = await db.pool.query(`SELECT series_id, day FROM rollup_queue ORDER BY series_id`);
    expect(rows).toEqual([
      { series_id: 'st_huoxian_1', day: '2024-05-01' },
      { series_id: 'st_liyuan_1', day: '2024-05-01' },
      { series_id: 'st_xiji_1', day: '2024-05-01' },
      { series_id: 'st_yongshun_1', day: '2024-05-01' },
    ]);
  });

  it('falls back to the upsert when a concurrent writer stores one of its new keys first', async () => {
    const other = await db.pool.connect();
    try {
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO measurement (ts, series_id, metric_id, value, source_id) VALUES ($1, 'st_taihu_1', 'pm25', 10, 'other')`,
        [T],
      );
      // Our lookup cannot see the uncommitted row; our INSERT then waits for it and fails once it commits.
      const write = writeMeasurements(db.pool, [row({ seriesId: 'st_taihu_1', value: 20 })], {
        sourceId: 'test',
        batchId: null,
      });
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { rows } = await db.pool.query<{ n: number }>(
          // pg_stat_activity keeps the first 1 kB of a statement: enough to tell the write by its start.
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'WITH input AS%'`,
        );
        if (rows[0]!.n > 0) break;
        if (Date.now() > deadline) throw new Error('the write never waited for the concurrent insert');
        await new Promise((resolve) => setImmediate(resolve));
      }
      await other.query('COMMIT');
      expect(await write).toEqual({ inserted: 0, updated: 1, unchanged: 0, superseded: [] });
      expect(await stored('st_taihu_1')).toEqual([{ value: 20, data_version: 0, revision: 1 }]);
    } finally {
      other.release();
    }
  });

  it("inside a caller's transaction, the fallback keeps the transaction and what it wrote before", async () => {
    // The HJ 212 receiver writes a commit round's batch, rows and stats in one transaction: a unique
    // violation there must not abort it (25P02 "current transaction is aborted" on the next statement).
    const TX = new Date('2024-06-03T00:00:00Z');
    const other = await db.pool.connect();
    try {
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO measurement (ts, series_id, metric_id, value, source_id) VALUES ($1, 'st_taihu_1', 'pm25', 10, 'other')`,
        [TX],
      );
      const write = withTransaction(db.pool, async (tx) => {
        await writeMeasurements(tx, [row({ seriesId: 'st_xiji_1', ts: TX, value: 3 })], {
          sourceId: 'test',
          batchId: null,
        });
        const counts = await writeMeasurements(tx, [row({ seriesId: 'st_taihu_1', ts: TX, value: 20 })], {
          sourceId: 'test',
          batchId: null,
        });
        await tx.query('SELECT 1'); // the transaction is still usable
        return counts;
      });
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { rows } = await db.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'WITH input AS%'`,
        );
        if (rows[0]!.n > 0) break;
        if (Date.now() > deadline) throw new Error('the write never waited for the concurrent insert');
        await new Promise((resolve) => setImmediate(resolve));
      }
      await other.query('COMMIT');
      expect(await write).toEqual({ inserted: 0, updated: 1, unchanged: 0, superseded: [] });
      const { rows } = await db.pool.query(
        `SELECT series_id, value FROM measurement WHERE ts = $1 ORDER BY series_id`,
        [TX],
      );
      expect(rows).toEqual([
        { series_id: 'st_taihu_1', value: 20 },
        { series_id: 'st_xiji_1', value: 3 },
      ]);
    } finally {
      other.release();
    }
  });

  it('two concurrent writers of the same keys in opposite orders wait for each other instead of deadlocking', async () => {
    // Issue #20: concurrent pushes sharing keys failed with "deadlock detected". Each statement locks the
    // keys it writes one by one in its rows' order; two writers taking the same keys in opposite orders each
    // hold one the other wants. Forced here with two open transactions, the interleaving of two statements.
    const TD = new Date('2024-06-02T00:00:00Z');
    const first = row({ seriesId: 'st_huoxian_1', ts: TD, value: 1 });
    const second = row({ seriesId: 'st_luyuan_1', ts: TD, value: 2 });
    const a = await db.pool.connect();
    const b = await db.pool.connect();
    try {
      await a.query('BEGIN');
      await b.query('BEGIN');
      await upsertMeasurements(a, [first], { sourceId: 'a', batchId: null });
      // b writes the same keys in the opposite order: it must wait for a's uncommitted row of `first`.
      const bWrite = upsertMeasurements(
        b,
        [
          { ...second, value: 20 },
          { ...first, value: 10 },
        ],
        {
          sourceId: 'b',
          batchId: null,
        },
      ).then(async (counts) => {
        await b.query('COMMIT');
        return counts;
      });
      bWrite.catch(() => undefined);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { rows } = await db.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'WITH input AS%'`,
        );
        if (rows[0]!.n > 0) break;
        if (Date.now() > deadline) throw new Error('the second writer never waited for the first');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // Before the fix b held `second` while waiting: this write then closed the cycle (deadlock detected).
      await upsertMeasurements(a, [second], { sourceId: 'a', batchId: null });
      await a.query('COMMIT');
      expect(await bWrite).toEqual({ inserted: 0, updated: 2, unchanged: 0 });
      const { rows } = await db.pool.query(
        `SELECT series_id, value, source_id FROM measurement WHERE ts = $1 ORDER BY series_id`,
        [TD],
      );
      expect(rows).toEqual([
        { series_id: 'st_huoxian_1', value: 10, source_id: 'b' },
        { series_id: 'st_luyuan_1', value: 20, source_id: 'b' },
      ]);
    } finally {
      await a.query('ROLLBACK').catch(() => undefined);
      await b.query('ROLLBACK').catch(() => undefined);
      a.release();
      b.release();
    }
  });
});
