/**
 * The two storage modes must give the same numbers (migration 0003: "keeping layer 2 in one code path also
 * guarantees both storage modes give the same numbers"). The same synthetic feed goes into a plain database
 * (the normal harness, DATABASE_URL) and into a fresh TimescaleDB database on TIMESCALE_DATABASE_URL; after
 * each step processRollupQueue runs on both and every derived table is compared row for row.
 *
 * Runs only when TIMESCALE_DATABASE_URL names a server with timescaledb in shared_preload_libraries
 * (CI's PostgreSQL has none). The variable is read here directly, as a switch of this test alone.
 *
 * The feed: hourly PM2.5 and PM10 for three stations in two streets, Shanghai days 2026-06-01 … 2026-07-02
 * (so a month boundary and the UTC 16:00 = Shanghai midnight bucket edge), one station-day with 19 hours,
 * one hour flagged invalid, an hour delivered late (after its day was rolled up), a provisional value
 * replaced by an audited one, and a provisional re-delivery that must not overwrite the audited value.
 * Then the TimescaleDB chunks are compressed and an audited revision lands in a compressed chunk. Last, the
 * last two days of every month of 2025 and the first of the next, delivered month by month as a daily feed
 * would, so that every one of the twelve month ends is compared in measurement_monthly (plain mode once
 * dropped 30–31 March and the 31st of five other months: issue #19, migration 0060). Then every chunk is
 * compressed again and the two bulk paths of ingest write into compressed chunks: the staged move (an audited
 * re-delivery of a whole station-day, new hours, and a provisional duplicate in the same delivery that the move
 * must refuse) and the direct COPY of new keys (issue #20).
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../services/db/pool.js';
import { withClient } from '../../services/db/queryable.js';
import { migrate } from '../../services/migrate/migrator.js';
import {
  ensurePartitionsFor,
  upsertMeasurements,
  writeMeasurements,
  type MeasurementRow,
} from '../../services/store/measurement-queries.js';
import {
  copyIntoMeasurement,
  measurementCopyLine,
  measurementCopyTail,
} from '../../services/store/measurement-copy.js';
import {
  copyIntoStage,
  createStage,
  moveStageIntoMeasurement,
  refuseSupersededInStage,
  stageValidLine,
} from '../../services/store/measurement-stage.js';
import { queueRollupKeysOfBatch } from '../../services/store/rollup-queue-writes.js';
import { processRollupQueue } from '../../services/store/rollups.js';
import { readStorageMode } from '../../services/store/storage-mode.js';
import { addDays, monthEndDay } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';

const TIMESCALE_URL = process.env.TIMESCALE_DATABASE_URL;
const MIGRATIONS_DIR = new URL('../../migrations', import.meta.url).pathname;
const HOUR = 3_600_000;
const TOLERANCE = 1e-9;

const STATIONS = [
  { id: 'st_by_1', area: 'beiyuan' },
  { id: 'st_by_2', area: 'beiyuan' },
  { id: 'st_ly_1', area: 'luyi' },
] as const;
const METRICS = ['pm25', 'pm10'] as const;

/** Shanghai wall-clock hour → UTC instant (China has no DST since 1991). */
function shanghai(day: string, hour: number): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 8 * HOUR + hour * HOUR);
}

const FIRST_HOUR = shanghai('2026-06-01', 0);
const END = shanghai('2026-07-03', 0);
// The station-day that has only 19 hours (GB 3095 Table 4: < 20 hours → no valid daily mean).
const SHORT_DAY = { series: 'st_by_2', day: '2026-06-15', missing: [3, 4, 5, 6, 7] };
// Delivered only after its day (the first day of July, Shanghai) was rolled up.
const LATE = { series: 'st_by_1', metric: 'pm25', ts: shanghai('2026-07-01', 0) };
const LATE_OTHER = { series: 'st_ly_1', metric: 'pm10', ts: shanghai('2026-06-30', 23) };
// Provisional first, then audited with another value (the last hour of June, Shanghai).
const REVISED = { series: 'st_by_1', metric: 'pm25', ts: shanghai('2026-06-30', 23) };
const INVALID = { series: 'st_ly_1', metric: 'pm25', ts: shanghai('2026-06-20', 12) };
// Lands in a compressed chunk in the last step.
const OLD_REVISED = { series: 'st_by_2', metric: 'pm25', ts: shanghai('2026-06-10', 14) };

function baseValue(series: string, metric: string, t: Date): number {
  const h = (t.getTime() - FIRST_HOUR.getTime()) / HOUR;
  const s = STATIONS.findIndex((x) => x.id === series);
  const m = METRICS.indexOf(metric as (typeof METRICS)[number]);
  // Non-round values so that summation order would show if it mattered beyond the tolerance.
  return 40 + 30 * Math.sin(h / 7 + s) + 12 * m + s / 3;
}

function isKey(
  k: { series: string; metric: string; ts: Date },
  series: string,
  metric: string,
  t: Date,
): boolean {
  return k.series === series && k.metric === metric && k.ts.getTime() === t.getTime();
}

/** The first delivery: everything provisional, minus the late hours and the short day's missing hours. */
function firstDelivery(): MeasurementRow[] {
  const rows: MeasurementRow[] = [];
  for (let t = FIRST_HOUR; t < END; t = new Date(t.getTime() + HOUR)) {
    const shDay = new Date(t.getTime() + 8 * HOUR).toISOString().slice(0, 10);
    const shHour = new Date(t.getTime() + 8 * HOUR).getUTCHours();
    for (const { id } of STATIONS) {
      for (const metric of METRICS) {
        if (isKey(LATE, id, metric, t) || isKey(LATE_OTHER, id, metric, t)) continue;
        if (id === SHORT_DAY.series && shDay === SHORT_DAY.day && SHORT_DAY.missing.includes(shHour))
          continue;
        const flags = isKey(INVALID, id, metric, t) ? ['invalid'] : [];
        rows.push({
          ts: t,
          seriesId: id,
          metricId: metric,
          value: baseValue(id, metric, t),
          flags,
          dataVersion: 0,
        });
      }
    }
  }
  return rows;
}

const YEAR_MONTHS = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);

/** Hourly PM2.5 of every station on the last two days of the month and the first day of the next. */
function monthEndDelivery(month: string): MeasurementRow[] {
  const last = monthEndDay(month);
  return [addDays(last, -1), last, addDays(last, 1)].flatMap((day) =>
    STATIONS.flatMap(({ id }) =>
      Array.from({ length: 24 }, (_, h) => {
        const ts = shanghai(day, h);
        return {
          ts,
          seriesId: id,
          metricId: 'pm25',
          value: baseValue(id, 'pm25', ts),
          dataVersion: 0 as const,
        };
      }),
    ),
  );
}

async function insertReference(db: pg.Pool): Promise<void> {
  await db.query(
    `INSERT INTO district (id, name_zh, name_en) VALUES ('tongzhou', '通州区', 'Tongzhou District')`,
  );
  await db.query(
    `INSERT INTO area (id, district_id, name_zh, short_zh, name_en, kind, valid_from)
     VALUES ('beiyuan', 'tongzhou', '北苑街道办事处', '北苑街道', 'Beiyuan', 'street', '2020-01-01'),
            ('luyi', 'tongzhou', '潞邑街道办事处', '潞邑街道', 'Luyi', 'street', '2021-01-01')`,
  );
  await db.query(
    `INSERT INTO metric (id, name_zh, name_en, unit, unit_zh, resolution, domain, better)
     VALUES ('pm25', '细颗粒物', 'PM2.5', 'ug/m3', '微克/立方米', 'hour', 'air', 'lower'),
            ('pm10', '可吸入颗粒物', 'PM10', 'ug/m3', '微克/立方米', 'hour', 'air', 'lower')`,
  );
  for (const s of STATIONS) {
    await db.query(
      `INSERT INTO site (id, kind, name_zh, name_en, district_id, area_id) VALUES ($1, 'air_station', $1, $1, 'tongzhou', $2)`,
      [s.id, s.area],
    );
  }
}

/**
 * As the steady ingest path does: partitions first (a no-op under TimescaleDB), then the one-statement write
 * in chunks (its probes of stored rows run on hypertable chunks too).
 */
async function feed(db: pg.Pool, rows: MeasurementRow[], batchId: number): Promise<void> {
  const times = rows.map((r) => r.ts.getTime());
  await ensurePartitionsFor(db, new Date(Math.min(...times)), new Date(Math.max(...times)));
  for (let i = 0; i < rows.length; i += 1000) {
    await writeMeasurements(db, rows.slice(i, i + 1000), { sourceId: 'equivalence-test', batchId });
  }
}

function timeBounds(rows: readonly MeasurementRow[]): [Date, Date] {
  const times = rows.map((r) => r.ts.getTime());
  return [new Date(Math.min(...times)), new Date(Math.max(...times))];
}

/** As ingest/bulk-load.ts does: COPY into the stage, then one set-based move (and its refusals), one transaction. */
async function bulkStaged(
  db: pg.Pool,
  rows: MeasurementRow[],
  batchId: number,
): Promise<{ inserted: number; updated: number; duplicates: number; superseded: number }> {
  const [from, to] = timeBounds(rows);
  await ensurePartitionsFor(db, from, to);
  return withClient(db, async (client) => {
    await client.query('BEGIN');
    await createStage(client);
    const day = (t: Date) => new Date(t.getTime() + 8 * HOUR).toISOString().slice(0, 10);
    await copyIntoStage(
      client,
      Readable.from([rows.map((r, i) => stageValidLine(i + 1, i + 1, r, day(r.ts))).join('')]),
    );
    const meta = { sourceId: 'equivalence-test', batchId };
    const moved = await moveStageIntoMeasurement(client, meta, from, to, null);
    const superseded = await refuseSupersededInStage(client);
    await client.query('COMMIT');
    return { ...moved, superseded };
  });
}

/** As ingest/bulk-direct.ts does for new keys only: COPY straight into measurement, then the batch's keys. */
async function bulkDirect(db: pg.Pool, rows: MeasurementRow[], batchId: number): Promise<number> {
  const [from, to] = timeBounds(rows);
  await ensurePartitionsFor(db, from, to);
  return withClient(db, async (client) => {
    await client.query('BEGIN');
    const tail = measurementCopyTail({ sourceId: 'equivalence-test', batchId });
    const n = await copyIntoMeasurement(
      client,
      Readable.from([rows.map((r) => measurementCopyLine(r, tail)).join('')]),
    );
    await queueRollupKeysOfBatch(client, batchId, from, to);
    await client.query('COMMIT');
    return n;
  });
}

/** Hourly rows of one series and metric over one Shanghai day. */
function dayRows(
  series: string,
  metric: string,
  day: string,
  dataVersion: 0 | 1,
  shift = 0,
): MeasurementRow[] {
  return Array.from({ length: 24 }, (_, h) => {
    const ts = shanghai(day, h);
    return {
      ts,
      seriesId: series,
      metricId: metric,
      value: baseValue(series, metric, ts) + shift,
      dataVersion,
    };
  });
}

// Every derived table, in a stable order, without the bookkeeping columns (updated_at, ids, times of writing).
const SNAPSHOT_QUERIES: Record<string, string> = {
  measurement: `SELECT series_id, metric_id, ts, value, flags, data_version, batch_id, revision
                  FROM measurement ORDER BY series_id, metric_id, ts`,
  measurement_revision: `SELECT series_id, metric_id, ts, value, flags, data_version, batch_id, revision, superseded_by_batch
                           FROM measurement_revision ORDER BY series_id, metric_id, ts, revision`,
  measurement_daily: `SELECT series_id, metric_id, bucket, n_values, sum_value, mean_value, min_value, max_value, min_version
                        FROM measurement_daily ORDER BY series_id, metric_id, bucket`,
  measurement_monthly: `SELECT series_id, metric_id, bucket, n_days, n_days_20h, n_values, sum_value, mean_of_20h_days,
                               min_value, max_value, min_version
                          FROM measurement_monthly ORDER BY series_id, metric_id, bucket`,
  scope_daily: `SELECT scope_id, metric_id, day, value, n_series, n_valid_series, valid, min_version
                  FROM scope_daily ORDER BY scope_id, metric_id, day`,
  scope_monthly: `SELECT scope_id, metric_id, month, value, n_days, n_valid_days, valid, min_version
                    FROM scope_monthly ORDER BY scope_id, metric_id, month`,
  scope_daily_aqi: `SELECT scope_id, day, aqi, level, primary_pollutants, standard
                      FROM scope_daily_aqi ORDER BY scope_id, day`,
  rollup_queue: `SELECT series_id, metric_id, day FROM rollup_queue ORDER BY 1, 2, 3`,
};

type Row = Record<string, unknown>;

async function snapshot(db: pg.Pool): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const [table, sql] of Object.entries(SNAPSHOT_QUERIES)) out[table] = (await db.query(sql)).rows;
  return out;
}

function normalise(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : v;
}

/** Row-for-row equality; doubles within TOLERANCE. Returns the differences (empty when equal). */
function differences(table: string, plain: Row[], ts: Row[]): string[] {
  const diffs: string[] = [];
  if (plain.length !== ts.length)
    diffs.push(`${table}: ${plain.length} rows in plain, ${ts.length} in timescale`);
  for (let i = 0; i < Math.min(plain.length, ts.length) && diffs.length < 10; i++) {
    for (const col of Object.keys(plain[i]!)) {
      const a = normalise(plain[i]![col]);
      const b = normalise(ts[i]![col]);
      const same =
        typeof a === 'number' && typeof b === 'number'
          ? Math.abs(a - b) <= TOLERANCE
          : JSON.stringify(a) === JSON.stringify(b);
      if (!same)
        diffs.push(`${table}[${i}].${col}: plain ${JSON.stringify(a)} vs timescale ${JSON.stringify(b)}`);
    }
  }
  return diffs;
}

async function expectEquivalent(plainDb: pg.Pool, tsDb: pg.Pool): Promise<Record<string, Row[]>> {
  const [a, b] = [await snapshot(plainDb), await snapshot(tsDb)];
  const diffs = Object.keys(SNAPSHOT_QUERIES).flatMap((t) => differences(t, a[t]!, b[t]!));
  expect(diffs).toEqual([]);
  return a;
}

async function daily(db: pg.Pool, series: string, metric: string, day: string): Promise<Row | undefined> {
  const { rows } = await db.query(
    `SELECT n_values, mean_value, min_version FROM measurement_daily
      WHERE series_id = $1 AND metric_id = $2 AND bucket = $3::date::timestamp AT TIME ZONE 'Asia/Shanghai'`,
    [series, metric, day],
  );
  return rows[0];
}

async function scopeDay(db: pg.Pool, scope: string, metric: string, day: string): Promise<Row | undefined> {
  const { rows } = await db.query(
    `SELECT value, n_series, n_valid_series, valid, min_version FROM scope_daily
      WHERE scope_id = $1 AND metric_id = $2 AND day = $3`,
    [scope, metric, day],
  );
  return rows[0];
}

describe.runIf(Boolean(TIMESCALE_URL))('plain and TimescaleDB storage give the same rollups', () => {
  const plain = useTestDatabase();
  let tsAdmin: pg.Pool;
  let tsPool: pg.Pool;
  let tsName: string;
  let failed = false;
  const both = () => [plain.pool, tsPool] as const;

  beforeAll(async () => {
    const adminUrl = new URL(TIMESCALE_URL!);
    tsAdmin = createPool({ connectionString: adminUrl.toString(), max: 1 });
    tsName = `envwatch_t_ts_${randomBytes(5).toString('hex')}`;
    await tsAdmin.query(`CREATE DATABASE ${tsName}`);
    await tsAdmin.query(`COMMENT ON DATABASE ${tsName} IS 'envwatch-test created ${Date.now()}'`);
    adminUrl.pathname = `/${tsName}`;
    tsPool = createPool({ connectionString: adminUrl.toString(), max: 4, applicationName: 'envwatch-test' });
    await migrate(tsPool, { dir: MIGRATIONS_DIR, storageMode: 'timescale' });
    for (const db of both()) await insertReference(db);
  });

  afterAll(async () => {
    await tsPool?.end();
    if (tsName && !failed) await tsAdmin.query(`DROP DATABASE IF EXISTS ${tsName} WITH (FORCE)`);
    else if (tsName) console.warn(`kept TimescaleDB test database ${tsName} for inspection (a test failed)`);
    await tsAdmin?.end();
  });

  // Each step depends on the previous one; a failure marks the TimescaleDB database to be kept.
  const step = (name: string, fn: () => Promise<void>) =>
    it(name, async () => {
      try {
        await fn();
      } catch (err) {
        failed = true;
        throw err;
      }
    });

  step('uses the storage mode each server offers', async () => {
    expect(await readStorageMode(plain.pool)).toBe('plain');
    expect(await readStorageMode(tsPool)).toBe('timescale');
  });

  step('first delivery: the same layer-1 and layer-2 rollups', async () => {
    for (const db of both()) {
      await feed(db, firstDelivery(), 1);
      const run = await processRollupQueue(db);
      expect(run.keys).toBeGreaterThan(0);
    }
    const snap = await expectEquivalent(plain.pool, tsPool);
    // The scenario is what it claims to be.
    for (const db of both()) {
      expect(await daily(db, SHORT_DAY.series, 'pm25', SHORT_DAY.day)).toMatchObject({ n_values: 19 });
      expect(await daily(db, INVALID.series, 'pm25', '2026-06-20')).toMatchObject({ n_values: 23 });
      expect(await scopeDay(db, 'beiyuan', 'pm25', SHORT_DAY.day)).toMatchObject({
        n_series: 2,
        n_valid_series: 1,
      });
    }
    expect(snap.measurement_monthly!.map((r) => normalise(r.bucket))).toContain('2026-05-31T16:00:00.000Z');
    expect(snap.scope_monthly!.filter((r) => r.month === '2026-06-01' && r.valid)).not.toHaveLength(0);
    expect(snap.scope_daily_aqi!.length).toBeGreaterThan(0);
    expect(snap.rollup_queue).toHaveLength(0);
  });

  step(
    'a day written but not yet rolled up shows in neither layer 1 until the queue is processed',
    async () => {
      // Plain mode's tables hold what the service refreshed; a real-time continuous aggregate also showed raw
      // rows above its watermark, and every read of it scanned the raw chunks for them (issue #20, migration 0145).
      const next = dayRows('st_by_1', 'pm25', '2026-07-03', 0);
      for (const db of both()) {
        await feed(db, next, 9);
        expect(await daily(db, 'st_by_1', 'pm25', '2026-07-03')).toBeUndefined();
      }
      await expectEquivalent(plain.pool, tsPool);
      for (const db of both()) {
        await processRollupQueue(db);
        expect(await daily(db, 'st_by_1', 'pm25', '2026-07-03')).toMatchObject({ n_values: 24 });
      }
      await expectEquivalent(plain.pool, tsPool);
    },
  );

  step('an audited revision replaces the provisional value; the old one is kept in both', async () => {
    const audited = 123.456;
    for (const db of both()) {
      const before = (await daily(db, REVISED.series, 'pm25', '2026-06-30'))!;
      const counts = await writeMeasurements(
        db,
        [
          {
            ts: REVISED.ts,
            seriesId: REVISED.series,
            metricId: REVISED.metric,
            value: audited,
            dataVersion: 1,
          },
        ],
        { sourceId: 'equivalence-test', batchId: 2 },
      );
      expect(counts).toEqual({ inserted: 0, updated: 1, unchanged: 0, superseded: [] });
      // A later provisional re-delivery never overwrites an audited value.
      const again = await upsertMeasurements(
        db,
        [{ ts: REVISED.ts, seriesId: REVISED.series, metricId: REVISED.metric, value: 1, dataVersion: 0 }],
        { sourceId: 'equivalence-test', batchId: 3 },
      );
      expect(again).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
      await processRollupQueue(db);
      const after = (await daily(db, REVISED.series, 'pm25', '2026-06-30'))!;
      const old = baseValue(REVISED.series, REVISED.metric, REVISED.ts);
      expect(after.mean_value as number).toBeCloseTo((before.mean_value as number) + (audited - old) / 24, 9);
      const { rows } = await db.query(
        `SELECT value, data_version, superseded_by_batch FROM measurement_revision
          WHERE series_id = $1 AND metric_id = $2 AND ts = $3`,
        [REVISED.series, REVISED.metric, REVISED.ts],
      );
      expect(rows).toEqual([{ value: old, data_version: 0, superseded_by_batch: 2 }]);
    }
    await expectEquivalent(plain.pool, tsPool);
  });

  step('late hours re-open days already rolled up, across the month boundary', async () => {
    for (const db of both()) {
      const before = (await daily(db, LATE.series, 'pm25', '2026-07-01'))!;
      expect(before.n_values).toBe(23);
      await feed(
        db,
        [LATE, LATE_OTHER].map((k) => ({
          ts: k.ts,
          seriesId: k.series,
          metricId: k.metric,
          value: baseValue(k.series, k.metric, k.ts),
          dataVersion: 0 as const,
        })),
        4,
      );
      await processRollupQueue(db);
      expect(await daily(db, LATE.series, 'pm25', '2026-07-01')).toMatchObject({ n_values: 24 });
      expect(await daily(db, LATE_OTHER.series, 'pm10', '2026-06-30')).toMatchObject({ n_values: 24 });
    }
    await expectEquivalent(plain.pool, tsPool);
  });

  step('an audited revision landing in a compressed chunk updates the rollups', async () => {
    const { rows: compressed } = await tsPool.query<{ n: number }>(
      `SELECT count(compress_chunk(c))::int AS n FROM show_chunks('measurement') c`,
    );
    expect(compressed[0]!.n).toBeGreaterThan(0);
    const { rows: status } = await tsPool.query<{ chunk: string; is_compressed: boolean }>(
      `SELECT chunk_name AS chunk, is_compressed FROM timescaledb_information.chunks
        WHERE hypertable_name = 'measurement' AND range_start <= $1 AND range_end > $1`,
      [OLD_REVISED.ts],
    );
    expect(status).toMatchObject([{ is_compressed: true }]);

    const audited = 7.25;
    const old = baseValue(OLD_REVISED.series, OLD_REVISED.metric, OLD_REVISED.ts);
    for (const db of both()) {
      const beforeDaily = (await daily(db, OLD_REVISED.series, 'pm25', '2026-06-10'))!;
      const beforeScope = (await scopeDay(db, 'beiyuan', 'pm25', '2026-06-10'))!;
      // The lookup of the stored row reads the compressed chunk; the update decompresses what it must.
      const counts = await writeMeasurements(
        db,
        [
          {
            ts: OLD_REVISED.ts,
            seriesId: OLD_REVISED.series,
            metricId: OLD_REVISED.metric,
            value: audited,
            dataVersion: 1,
          },
        ],
        { sourceId: 'equivalence-test', batchId: 5 },
      );
      expect(counts).toEqual({ inserted: 0, updated: 1, unchanged: 0, superseded: [] });
      await processRollupQueue(db);
      const afterDaily = (await daily(db, OLD_REVISED.series, 'pm25', '2026-06-10'))!;
      const afterScope = (await scopeDay(db, 'beiyuan', 'pm25', '2026-06-10'))!;
      const delta = (audited - old) / 24;
      expect(afterDaily.mean_value as number).toBeCloseTo((beforeDaily.mean_value as number) + delta, 9);
      // beiyuan = mean of its two stations' daily means.
      expect(afterScope.value as number).toBeCloseTo((beforeScope.value as number) + delta / 2, 9);
      const { rows } = await db.query(
        `SELECT value, data_version, superseded_by_batch FROM measurement_revision
          WHERE series_id = $1 AND metric_id = $2 AND ts = $3`,
        [OLD_REVISED.series, OLD_REVISED.metric, OLD_REVISED.ts],
      );
      expect(rows).toEqual([{ value: old, data_version: 0, superseded_by_batch: 5 }]);
    }
    await expectEquivalent(plain.pool, tsPool);
  });

  step('every month end of a year: the same whole months in measurement_monthly', async () => {
    for (const month of YEAR_MONTHS) {
      for (const db of both()) {
        await feed(db, monthEndDelivery(month), 6);
        await processRollupQueue(db);
      }
    }
    const snap = await expectEquivalent(plain.pool, tsPool);
    // February … December 2025 each hold their first day (from the month before) and their last two.
    const months = snap
      .measurement_monthly!.filter((r) => r.series_id === 'st_by_1' && r.metric_id === 'pm25')
      .map((r) => [normalise(r.bucket), r.n_days]);
    for (const month of YEAR_MONTHS.slice(1)) {
      const start = shanghai(`${month}-01`, 0).toISOString();
      expect(months).toContainEqual([start, 3]);
    }
  });

  step('bulk loads into compressed chunks: the staged move and the direct COPY', async () => {
    await tsPool.query(
      `SELECT count(compress_chunk(c, if_not_compressed => true)) FROM show_chunks('measurement') c`,
    );
    const { rows: open } = await tsPool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM timescaledb_information.chunks
        WHERE hypertable_name = 'measurement' AND NOT is_compressed`,
    );
    expect(open[0]!.n).toBe(0);
    // An audited re-delivery of a stored station-day, the new hours of the day before the feed began (its
    // chunk holds 1–3 June), and a provisional duplicate of one audited hour, which the move refuses.
    const audited = dayRows('st_ly_1', 'pm25', '2026-06-05', 1, 0.5);
    const fresh = dayRows('st_ly_1', 'pm10', '2026-05-31', 0);
    const staged = [...audited, ...fresh, { ...audited[7]!, value: 1, dataVersion: 0 as const }];
    // New keys only, in a compressed chunk of 2025: the direct path's case.
    const direct = dayRows('st_by_1', 'pm10', '2025-03-30', 0);
    for (const db of both()) {
      expect(await bulkStaged(db, staged, 7)).toEqual({
        inserted: 24,
        updated: 24,
        duplicates: 1,
        superseded: 0,
      });
      expect(await bulkDirect(db, direct, 8)).toBe(24);
      await processRollupQueue(db);
      expect(await daily(db, 'st_ly_1', 'pm25', '2026-06-05')).toMatchObject({
        n_values: 24,
        min_version: 1,
      });
      expect(await daily(db, 'st_ly_1', 'pm10', '2026-05-31')).toMatchObject({ n_values: 24 });
      expect(await daily(db, 'st_by_1', 'pm10', '2025-03-30')).toMatchObject({ n_values: 24 });
    }
    await expectEquivalent(plain.pool, tsPool);
  });
});
