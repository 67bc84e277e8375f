/**
 * `npm run bench:ingest [N] [STEADY]`: ingestion throughput and memory, in a fresh database cloned from the
 * migrated template (plain PostgreSQL or TimescaleDB, whichever the template has).
 *
 * A long-format CSV of N hourly PM2.5 rows (default 2,000,000: a year of hours for ~230 stations) is written
 * to a temporary file, then loaded twice into the same, emptied `measurement` table:
 *   1. plain COPY — PostgreSQL parses the same file bytes (COPY … FROM STDIN CSV), no validation: the ceiling;
 *   2. the bulk path — bulkIngest: streamed CSV parsing and validation; new data is COPYed straight into
 *      measurement (services/ingest/bulk-direct.ts), the rollup keys queued;
 *   3. the bulk path's staged route, which revisions and re-deliveries take: COPY into a staging table, one
 *      set-based upsert with duplicate check and rollup queue (services/ingest/bulk-load.ts);
 * and prints rows/s for each, the bulk path's ratio to COPY and its peak RSS (sampled every 20 ms), then runs
 * `envwatch ingest --bulk` itself on the same file for the CLI's peak RSS (bench/ingest-cli-run.ts). Then the
 * steady path — batches of 10,000 raw rows as an adapter delivers them, validated and upserted by ingestRows —
 * is timed over STEADY rows (default 300,000) of new hours.
 * Targets: bulk ≥ 50 % of plain COPY; steady ≥ 50,000 rows/s; peak RSS < 200 MB whatever N is.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { runIngestCli } from './ingest-cli-run.js';
import { ingestRows } from '../services/ingest/ingest-rows.js';
import type { RawMeasurement } from '../services/ingest/validate-measurement.js';
import { loadReferenceSet } from '../services/reference/load-reference.js';
import { seedReference } from '../services/reference/seed-reference.js';
import { ensurePartitionsFor } from '../services/store/measurement-queries.js';
import { readStorageMode } from '../services/store/storage-mode.js';
import { HOUR, ManualClock } from '../services/time/shanghai.js';
import { createTestDatabase } from '../tests/helpers/test-db.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const N = Number(process.argv[2] ?? process.env.BENCH_ROWS ?? 2_000_000);
const STEADY = Number(process.argv[3] ?? process.env.BENCH_STEADY_ROWS ?? 300_000);
const START = Date.parse('2023-01-01T00:00:00+08:00');
const STEADY_START = Date.parse('2025-01-01T00:00:00+08:00');
// 230 stations (a year of hourly data is ~2,000,000 rows); a larger N adds stations, not years, so the
// bulk rows stay in 2023-2024, before the steady path's hours and the clock.
const STATIONS = Math.max(230, Math.ceil(N / ((STEADY_START - START) / HOUR)));
// A steady batch as a pull delivers it: ~230 stations × 6 pollutants × the hours still settling.
const BATCH = 10_000;

const stationId = (i: number) => `bench_st_${String(i).padStart(4, '0')}`;

/** Shanghai wall time with its zone, as feeds write it. */
function isoShanghai(ms: number): string {
  return `${new Date(ms + 8 * HOUR).toISOString().slice(0, 19)}+08:00`;
}

function valueFor(i: number): string {
  return (20 + ((i * 7919) % 1500) / 10).toFixed(1);
}

async function writeBenchCsv(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('time,series,metric,value\n');
  let buf = '';
  for (let i = 0; i < n; i++) {
    const hour = Math.floor(i / STATIONS);
    buf += `${isoShanghai(START + hour * HOUR)},${stationId(1 + (i % STATIONS))},pm25,${valueFor(i)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

/** Peak RSS (MB) while `fn` runs, sampled every 20 ms. */
async function withPeakRss<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; peakMb: number; seconds: number; startMb: number; heapMb: number }> {
  const startMb = process.memoryUsage.rss() / 2 ** 20;
  let peak = process.memoryUsage.rss();
  let heap = 0;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heap = Math.max(heap, m.heapTotal);
  }, 20);
  const t0 = performance.now();
  try {
    const result = await fn();
    return {
      result,
      peakMb: Math.max(peak, process.memoryUsage.rss()) / 2 ** 20,
      seconds: (performance.now() - t0) / 1000,
      startMb,
      heapMb: heap / 2 ** 20,
    };
  } finally {
    clearInterval(timer);
  }
}

async function emptyMeasurements(pool: pg.Pool): Promise<void> {
  await pool.query(
    'TRUNCATE measurement, measurement_revision, rollup_queue, refused_row, ingest_batch CASCADE',
  );
  await pool.query('VACUUM ANALYZE measurement');
  // Each timed load starts after a checkpoint: one that falls inside a load would bill it for the other's WAL.
  await pool.query('CHECKPOINT');
}

async function plainCopy(pool: pg.Pool, file: string): Promise<number> {
  const client = await pool.connect();
  try {
    const copy = client.query(
      copyFrom(
        `COPY measurement (ts, series_id, metric_id, value) FROM STDIN WITH (FORMAT csv, HEADER true)`,
      ),
    );
    await pipeline(createReadStream(file), copy);
    return copy.rowCount;
  } finally {
    client.release();
  }
}

/** One steady batch as an adapter hands it over: rows already parsed, in memory. */
function steadyBatch(b: number): RawMeasurement[] {
  const rows: RawMeasurement[] = [];
  for (let j = 0; j < BATCH; j++) {
    const i = b * BATCH + j;
    rows.push({
      time: isoShanghai(STEADY_START + Math.floor(i / STATIONS) * HOUR),
      series: stationId(1 + (i % STATIONS)),
      metric: 'pm25',
      value: valueFor(i),
    });
  }
  return rows;
}

interface ChildResult {
  seconds: number;
  timingsMs: { stream: number; move: number; refusals: number };
  startMb: number;
  peakMb: number;
  counts: {
    received: number;
    inserted: number;
    updated: number;
    unchanged: number;
    refused: number;
    path: string;
  };
}

/**
 * The bulk path in a process of its own (bench/ingest-bulk-child.ts), as `envwatch ingest --bulk <file>` runs it:
 * node with the Node settings a user has (no heap flags), tsx, and the same in-process tuning as the CLI
 * (services/cli/heap.ts). A bench measures what a user runs.
 */
async function runBulkChild(
  url: string,
  file: string,
  now: Date,
  mode: 'direct' | 'staged',
): Promise<ChildResult> {
  const child = path.join(ROOT, 'bench/ingest-bulk-child.ts');
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', child, url, file, now.toISOString(), mode],
    {
      cwd: ROOT,
      maxBuffer: 1 << 20,
    },
  );
  if (process.env.BENCH_DEBUG) console.log(stderr);
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;
}

function rate(rows: number, seconds: number): string {
  return `${Math.round(rows / seconds).toLocaleString('en-US')} rows/s`;
}

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const dir = await mkdtemp(path.join(tmpdir(), 'envwatch-bench-'));
  const file = path.join(dir, 'hourly.csv');
  try {
    const pool = db.pool;
    await seedReference(pool, await loadReferenceSet(path.join(ROOT, 'config/reference')));
    await pool.query(
      `INSERT INTO site (id, kind, name_zh, name_en, district_id, area_id, is_example, note)
       SELECT 'bench_st_' || lpad(i::text, 4, '0'), 'air_station', '基准站' || i, 'Bench station ' || i, 'tongzhou', 'beiyuan', true, 'bench'
         FROM generate_series(1, $1::int) i`,
      [STATIONS],
    );
    // The plain COPY has no source column in the file; the bench database gives it a default.
    await pool.query(`ALTER TABLE measurement ALTER COLUMN source_id SET DEFAULT 'bench'`);
    const last = START + Math.floor((N - 1) / STATIONS) * HOUR;
    await ensurePartitionsFor(pool, new Date(START), new Date(last));
    await ensurePartitionsFor(
      pool,
      new Date(STEADY_START),
      new Date(STEADY_START + Math.ceil(STEADY / STATIONS) * HOUR),
    );
    await writeBenchCsv(file, N);
    const size = (await stat(file)).size;
    const mode = await readStorageMode(pool);
    console.log(
      `envwatch bench:ingest — ${N.toLocaleString('en-US')} hourly rows, ${(size / 2 ** 20).toFixed(0)} MB CSV, storage mode ${mode}`,
    );

    await emptyMeasurements(pool);
    const copy = await withPeakRss(() => plainCopy(pool, file));
    console.log(
      `  plain COPY      ${copy.result.toLocaleString('en-US')} rows in ${copy.seconds.toFixed(1)} s = ${rate(copy.result, copy.seconds)}`,
    );

    await emptyMeasurements(pool);
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const bulk = await runBulkChild(db.url, file, clock.now(), 'direct');
    const r = bulk.counts;
    const t = bulk.timingsMs;
    console.log(
      `  bulk path       ${r.inserted.toLocaleString('en-US')} rows in ${bulk.seconds.toFixed(1)} s = ${rate(r.received, bulk.seconds)}` +
        `  (${r.path}; received ${r.received}, inserted ${r.inserted}, updated ${r.updated}, unchanged ${r.unchanged}, refused ${r.refused})`,
    );
    console.log(
      `                  read + validate + COPY ${(t.stream / 1000).toFixed(1)} s, rollup keys ${(t.move / 1000).toFixed(1)} s, ` +
        `refused rows ${(t.refusals / 1000).toFixed(1)} s`,
    );
    await emptyMeasurements(pool);
    const staged = await runBulkChild(db.url, file, clock.now(), 'staged');
    const ts = staged.timingsMs;
    console.log(
      `  staged route    ${staged.counts.inserted.toLocaleString('en-US')} rows in ${staged.seconds.toFixed(1)} s = ${rate(staged.counts.received, staged.seconds)}` +
        `  (revisions and re-deliveries: COPY to staging ${(ts.stream / 1000).toFixed(1)} s, set-based move ${(ts.move / 1000).toFixed(1)} s; ` +
        `${((copy.seconds / staged.seconds) * 100).toFixed(0)} % of COPY, peak RSS ${staged.peakMb.toFixed(0)} MB)`,
    );
    await emptyMeasurements(pool);
    const cli = await runIngestCli(ROOT, db.url, file);
    console.log(
      `  envwatch ingest --bulk  ${cli.seconds.toFixed(1)} s, peak RSS ${cli.peakMb.toFixed(0)} MB (the CLI as a user runs it; ${cli.batch.split(' (')[0]})`,
    );
    const ratio = copy.seconds / bulk.seconds;
    console.log(`  ratio           bulk / plain COPY = ${(ratio * 100).toFixed(0)} %  (target ≥ 50 %)`);
    const peakMb = Math.max(bulk.peakMb, cli.peakMb);
    console.log(
      `  peak RSS        ${peakMb.toFixed(0)} MB  (target < 200 MB; the bulk path's process ${bulk.peakMb.toFixed(0)} MB, ` +
        `${bulk.startMb.toFixed(0)} MB with its modules loaded; the CLI ${cli.peakMb.toFixed(0)} MB; Node's default heap settings)`,
    );

    const batches = Math.ceil(STEADY / BATCH);
    // The adapters' work (fetching, parsing JSON) is not the steady path's: the batches are built beforehand.
    const delivered = Array.from({ length: batches }, (_, b) => steadyBatch(b));
    // The bulk load leaves autovacuum with N new rows to analyse and a checkpoint to write; the steady path is
    // timed once both are done, as it runs day to day.
    await pool.query('VACUUM ANALYZE measurement, rollup_queue');
    await pool.query('CHECKPOINT');
    const steady = await withPeakRss(async () => {
      let n = 0;
      for (const rows of delivered)
        n += (await ingestRows(pool, { sourceId: 'bench_steady', adapter: 'http_pull' }, rows, clock))
          .inserted;
      return n;
    });
    console.log(
      `  steady path     ${steady.result.toLocaleString('en-US')} rows in ${batches} batches of ${BATCH} in ${steady.seconds.toFixed(1)} s = ` +
        `${rate(steady.result, steady.seconds)}  (target ≥ 50,000 rows/s)`,
    );
    const ok = ratio >= 0.5 && steady.result / steady.seconds >= 50_000 && peakMb < 200;
    console.log(ok ? 'all targets met' : 'TARGETS MISSED');
    process.exitCode = ok ? 0 : 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
    await db.drop();
  }
}

await main();
