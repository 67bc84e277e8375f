/**
 * The rollup and evaluation queues are claimed in time linear in their length whatever their statistics say.
 * A queue table's statistics are what ANALYZE (autovacuum's, or anybody's) saw last — often the queue empty —
 * and claiming by joining the picked keys back on (series, metric, day) then ran as a nested loop over the
 * whole queue for each picked key: 30,000 keys took minutes, and a demo month stalled on it once the database
 * had been analysed. Here the statistics are made stale on purpose (analysed empty, then filled).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { processRollupQueue } from '../../services/store/rollups.js';
import { evaluatePending } from '../../services/targets/evaluate-pending.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from '../ingest/fixtures.js';

const db = useTestDatabase();
const KEYS = 30_000;
/** Linear takes well under a second here; the join over stale statistics took over a minute. */
const BOUND_MS = 15_000;

/**
 * Leaves `table` (its key column `keyColumn`, then metric and day) analysed while empty but with pages — the
 * planner then believes it holds about one row — and then fills it with KEYS keys.
 */
async function staleQueue(table: string, keyColumn: string): Promise<void> {
  const insert = (n: number, prefix: string) =>
    db.pool.query(
      `INSERT INTO ${table} (${keyColumn}, metric_id, day)
       SELECT $2 || (i % 1000), 'pm25', date '2024-01-01' + (i / 1000) FROM generate_series(0, $1 - 1) i`,
      [n, prefix],
    );
  await insert(50, 'stale_');
  await db.pool.query(`DELETE FROM ${table}`);
  await db.pool.query(`ANALYZE ${table}`);
  await insert(KEYS, 'nowhere_');
}

beforeAll(async () => {
  await seedRealReference(db.pool);
});

describe('queue claims with stale statistics', () => {
  it(`refreshes ${KEYS} rollup keys in linear time`, async () => {
    await staleQueue('rollup_queue', 'series_id');
    const t0 = performance.now();
    const r = await processRollupQueue(db.pool);
    const ms = performance.now() - t0;
    expect(r.keys).toBe(KEYS);
    expect(ms).toBeLessThan(BOUND_MS);
    const left = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM rollup_queue');
    expect(left.rows[0]!.n).toBe(0);
  }, 120_000);

  it(`takes ${KEYS} evaluation keys in linear time`, async () => {
    await staleQueue('evaluation_queue', 'scope_id');
    const t0 = performance.now();
    const r = await evaluatePending(db.pool);
    const ms = performance.now() - t0;
    expect(r.keys).toBe(KEYS);
    expect(ms).toBeLessThan(BOUND_MS);
  }, 120_000);
});
