/**
 * processRollupQueue against concurrent writers of rollup_queue, on real connections: an ingest statement
 * that re-queues keys (in whatever order) while a refresh deletes its claimed keys; a failing refresh; a
 * refresh chosen as a deadlock victim. The interleavings are forced with table locks and by watching
 * pg_stat_activity, so each test runs the same way every time.
 */
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ensurePartitionsFor,
  upsertMeasurements,
  type MeasurementRow,
} from '../../services/store/measurement-queries.js';
import { processRollupQueue, type RollupRunResult } from '../../services/store/rollups.js';
import { shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from '../ingest/fixtures.js';

const db = useTestDatabase();
const STATION = 'st_beiyuan_1';
const DAYS = ['2025-03-01', '2025-03-02'];
const POLL_MS = 10;
const WAIT_LIMIT_MS = 20_000;

let nextValue = 1;
/** One PM2.5 hour at 10:00 of `day`, with a value never written before (so the upsert changes the row). */
function hourOf(day: string): MeasurementRow {
  return {
    ts: shanghaiInstant(day, 10),
    seriesId: STATION,
    metricId: 'pm25',
    value: nextValue++,
    dataVersion: 0,
  };
}

async function write(q: pg.Pool | pg.PoolClient, days: readonly string[]): Promise<void> {
  await upsertMeasurements(q, days.map(hourOf), { sourceId: 'test_contention', batchId: null });
}

async function drain(): Promise<void> {
  while ((await processRollupQueue(db.pool)).keys > 0);
}

async function queueRows() {
  const { rows } = await db.pool.query<{ day: string; claim: string | null }>(
    `SELECT day::text AS day, claim FROM rollup_queue WHERE series_id = $1 ORDER BY day`,
    [STATION],
  );
  return rows;
}

/** Resolves once some backend of this database waits on a lock while running a statement matching `like`. */
async function waitForLockWait(like: string, orSettled?: { settled: boolean }): Promise<boolean> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (Date.now() < deadline) {
    if (orSettled?.settled) return false;
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE $1`,
      [like],
    );
    if (rows[0]!.n > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`no backend started waiting on a lock for ${like}`);
}

function track<T>(promise: Promise<T>): { promise: Promise<T>; state: { settled: boolean } } {
  const state = { settled: false };
  const settle = () => {
    state.settled = true;
  };
  promise.then(settle, settle);
  return { promise, state };
}

const clients: pg.PoolClient[] = [];
async function connect(): Promise<pg.PoolClient> {
  const c = await db.pool.connect();
  clients.push(c);
  return c;
}

describe('rollup queue under contention', () => {
  beforeAll(async () => {
    await seedRealReference(db.pool);
    await ensurePartitionsFor(db.pool, new Date('2025-02-01T00:00:00Z'), new Date('2025-04-01T00:00:00Z'));
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) {
      await c.query('ROLLBACK');
      c.release();
    }
    await db.pool.query('DROP TRIGGER IF EXISTS fail_evaluation_queue ON evaluation_queue');
    await drain();
    // A failed test may leave claimed keys behind (claims expire only after 10 minutes): start clean.
    await db.pool.query('DELETE FROM rollup_queue');
  });

  it('an ingest re-queuing claimed keys in the opposite order does not deadlock the delete of the claim', async () => {
    await write(db.pool, DAYS);
    const blocker = await connect();
    const ingest = await connect();
    // Hold the refresh just before its final delete (it queues evaluations last) with its keys claimed.
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE evaluation_queue IN EXCLUSIVE MODE');
    const refresh = track(processRollupQueue(db.pool));
    await waitForLockWait('%INSERT INTO evaluation_queue%');

    // The ingest re-queues the claimed key the delete reaches last (heap order), then — once the delete has
    // taken the other key and waits for this one — the other key: the order that made them deadlock.
    const { rows: order } = await db.pool.query<{ day: string }>(
      `SELECT day::text AS day FROM rollup_queue WHERE series_id = $1 AND claim IS NOT NULL ORDER BY ctid`,
      [STATION],
    );
    expect(order).toHaveLength(2);
    const [first, last] = [order[0]!.day, order[1]!.day];
    await ingest.query('BEGIN');
    await write(ingest, [last]);
    await blocker.query('COMMIT');
    await waitForLockWait('DELETE FROM rollup_queue%', refresh.state);
    await write(ingest, [first]);
    await ingest.query('COMMIT');

    const run: RollupRunResult = await refresh.promise;
    expect(run.keys).toBe(2);
    // Both keys were written again after the claim: both are queued, unclaimed, for another refresh.
    expect(await queueRows()).toEqual([
      { day: DAYS[0], claim: null },
      { day: DAYS[1], claim: null },
    ]);
    await drain();
    expect(await queueRows()).toEqual([]);
  });

  it('a refresh that fails releases its claim at once', async () => {
    await write(db.pool, DAYS);
    await db.pool.query(
      `CREATE OR REPLACE FUNCTION test_fail_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'refresh failed on purpose'; END $$`,
    );
    await db.pool.query(
      `CREATE TRIGGER fail_evaluation_queue BEFORE INSERT ON evaluation_queue
         FOR EACH STATEMENT EXECUTE FUNCTION test_fail_refresh()`,
    );
    await expect(processRollupQueue(db.pool)).rejects.toThrow('refresh failed on purpose');
    expect(await queueRows()).toEqual([
      { day: DAYS[0], claim: null },
      { day: DAYS[1], claim: null },
    ]);

    await db.pool.query('DROP TRIGGER fail_evaluation_queue ON evaluation_queue');
    expect((await processRollupQueue(db.pool)).keys).toBe(2);
    expect(await queueRows()).toEqual([]);
  });

  it('a refresh chosen as a deadlock victim runs again and completes', async () => {
    await write(db.pool, DAYS);
    const other = await connect();
    // Which session is the victim is whose deadlock check runs first with the cycle in place: the refresh's
    // (deadlock_timeout after its wait began) must come after the other's lock request, however loaded the
    // machine — at 1 s the request sometimes came later (CI at load ~10) and the other session was the victim
    // — and the other's must never come first.
    await other.query(`SET deadlock_timeout = '60s'`);
    const refreshPool = new pg.Pool({
      connectionString: db.url,
      max: 4,
      options: '-c timezone=UTC -c deadlock_timeout=3s',
    });
    await other.query('BEGIN');
    await other.query('LOCK TABLE evaluation_queue IN EXCLUSIVE MODE');
    const refresh = track(processRollupQueue(refreshPool));
    // The refresh holds scope_daily (written before evaluations are queued) and waits for evaluation_queue;
    // the other transaction now wants scope_daily: a cycle. The refresh waited first, so PostgreSQL's
    // deadlock check (deadlock_timeout after the wait began) fires in the refresh's session: it is the victim.
    await waitForLockWait('%INSERT INTO evaluation_queue%');
    let otherError: unknown;
    await other.query('LOCK TABLE scope_daily IN EXCLUSIVE MODE').catch((err: unknown) => {
      otherError = err;
    });
    expect(otherError).toBeUndefined();
    await other.query('COMMIT');

    await other.query('RESET deadlock_timeout');
    expect((await refresh.promise).keys).toBe(2);
    expect(await queueRows()).toEqual([]);
    await refreshPool.end();
  });
});
