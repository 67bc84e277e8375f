/**
 * A rollup refresh leaves statistics on the partitions it has just read and written when they had none
 * (services/store/rollup-statistics.ts): under TimescaleDB a never-analysed chunk of the daily aggregate made
 * the scope-day read take the wrong index, 0.33–0.53 s per new day at city scale instead of 20 ms. Each part
 * runs in the storage mode of the test databases: plain partitions on any PostgreSQL, chunks where
 * DATABASE_URL names a TimescaleDB server. Autovacuum plays no part: nothing here waits for it, and the
 * "never analysed" state (`pg_class.reltuples < 0`) is read before the refresh where the relation exists.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ensurePartitionsFor,
  timeRangeOf,
  upsertMeasurements,
  type MeasurementRow,
} from '../../services/store/measurement-queries.js';
import { processRollupQueue } from '../../services/store/rollups.js';
import { shanghaiInstant } from '../../services/time/shanghai.js';
import { testStorageMode } from '../helpers/storage-mode.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from '../ingest/fixtures.js';

const mode = await testStorageMode();
const db = useTestDatabase();
let stations: string[] = [];

function dayRows(day: string): MeasurementRow[] {
  return stations.flatMap((seriesId, k) =>
    Array.from({ length: 24 }, (_, h) => ({
      ts: shanghaiInstant(day, h),
      seriesId,
      metricId: 'pm25',
      value: 20 + ((k * 7 + h * 3) % 40),
      dataVersion: 0 as const,
    })),
  );
}

async function write(day: string): Promise<void> {
  const rows = dayRows(day);
  const range = timeRangeOf(rows)!;
  await ensurePartitionsFor(db.pool, range.min, range.max);
  await upsertMeasurements(db.pool, rows, { sourceId: 'test_stats', batchId: null });
}

async function refresh(): Promise<void> {
  while ((await processRollupQueue(db.pool)).keys > 0);
}

/** pg_class.reltuples by relation name: -1 until the relation is first analysed (PostgreSQL 14+). */
async function reltuples(names: readonly string[]): Promise<Record<string, number>> {
  const { rows } = await db.pool.query<{ name: string; reltuples: number }>(
    `SELECT n AS name, c.reltuples::float8 AS reltuples
       FROM unnest($1::text[]) n JOIN pg_class c ON c.oid = n::regclass`,
    [names],
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.reltuples]));
}

const QUEUES = ['rollup_queue', 'evaluation_queue'];

/** The relations holding a day's rows: raw, daily, monthly (partition names in plain mode, chunks otherwise). */
async function relationsOf(day: string): Promise<{ raw: string; daily: string; monthly: string }> {
  const at = shanghaiInstant(day, 12);
  if (mode === 'plain') {
    const { rows } = await db.pool.query<{ name: string }>(
      `SELECT tableoid::regclass::text AS name FROM measurement WHERE ts = $1 LIMIT 1`,
      [at],
    );
    return { raw: rows[0]!.name, daily: 'measurement_daily', monthly: 'measurement_monthly' };
  }
  const { rows } = await db.pool.query<{ view: string; name: string }>(
    `SELECT coalesce(a.view_name::text, 'measurement') AS view, format('%I.%I', ch.chunk_schema, ch.chunk_name) AS name
       FROM timescaledb_information.chunks ch
       LEFT JOIN timescaledb_information.continuous_aggregates a
              ON a.materialization_hypertable_schema = ch.hypertable_schema
             AND a.materialization_hypertable_name = ch.hypertable_name
      WHERE (ch.hypertable_name = 'measurement' OR a.view_name IN ('measurement_daily', 'measurement_monthly'))
        -- a monthly row's time is its month's first instant, which may lie in an earlier chunk than the day
        AND ch.range_start <= CASE WHEN a.view_name = 'measurement_monthly' THEN $2::timestamptz ELSE $1::timestamptz END
        AND ch.range_end > CASE WHEN a.view_name = 'measurement_monthly' THEN $2::timestamptz ELSE $1::timestamptz END`,
    [at, shanghaiInstant(`${day.slice(0, 7)}-01`)],
  );
  const by = Object.fromEntries(rows.map((r) => [r.view, r.name]));
  return { raw: by['measurement']!, daily: by['measurement_daily']!, monthly: by['measurement_monthly']! };
}

beforeAll(async () => {
  await seedRealReference(db.pool);
  const { rows } = await db.pool.query<{ id: string }>(
    `SELECT id FROM site WHERE kind = 'air_station' ORDER BY id LIMIT 12`,
  );
  stations = rows.map((r) => r.id);
  expect(stations.length).toBeGreaterThan(5);
});

describe(`statistics of new rollup partitions (${mode} mode)`, () => {
  it('analyses the partitions a refresh has just written into, never the queues', async () => {
    expect(Object.values(await reltuples(QUEUES)).every((n) => n < 0)).toBe(true);
    // A month the refresh does not cover: its rows are written but their keys are not refreshed here.
    await write('2024-09-10');
    await db.pool.query(`DELETE FROM rollup_queue WHERE day = '2024-09-10'`);
    await write('2024-06-15');
    const raw = (await relationsOf('2024-06-15')).raw;
    expect((await reltuples([raw]))[raw]).toBeLessThan(0);
    await refresh();

    const rel = await relationsOf('2024-06-15');
    const after = await reltuples([rel.raw, rel.daily, rel.monthly]);
    // Small relations are read whole by ANALYZE: the counts are exact.
    expect(after).toEqual({
      [rel.raw]: stations.length * 24,
      [rel.daily]: stations.length,
      [rel.monthly]: stations.length,
    });
    const september = (await relationsOf('2024-09-10')).raw;
    expect((await reltuples([september]))[september]).toBeLessThan(0);
    expect(Object.values(await reltuples(QUEUES)).every((n) => n < 0)).toBe(true);
  });

  it('analyses a partition once: the next day in it keeps the first statistics', async () => {
    await write('2024-06-16');
    await refresh();
    const rel = await relationsOf('2024-06-16');
    expect(rel).toEqual(await relationsOf('2024-06-15'));
    expect(await reltuples([rel.raw, rel.daily])).toEqual({
      [rel.raw]: stations.length * 24,
      [rel.daily]: stations.length,
    });
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM measurement_daily WHERE bucket >= $1`,
      [shanghaiInstant('2024-06-15')],
    );
    expect(rows[0]!.n).toBe(stations.length * 2);
  });
});
