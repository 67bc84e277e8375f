/**
 * `npm run bench:report`: the time to produce the monthly ranking report, split into data (queries) and
 * rendering, at two scales, each in a fresh database cloned from the migrated template:
 * - district: Tongzhou's 22 streets/towns, with a year of hourly PM2.5 per unit in `measurement` (2024,
 *   ~193,000 rows) so the tables have a realistic size;
 * - city: a synthetic district of 330 streets/towns (Beijing has about 340).
 * Two years (2023-2024) of layer-2 rollups — what a year of hourly data rolls up to: scope_daily (PM2.5 and
 * TSP daily, dust fall and road dust monthly), scope_monthly, scope_daily_aqi — plus city-wide ranks and
 * water samples are generated in SQL: the report reads rollups, never raw hours.
 * Reported month: December 2024 (the longest cumulative window) and March 2024.
 * Targets (issue 15): every format (HTML, PDF, XLSX, CSV, e-mail chart PNGs) without a browser, district
 * < 1 s, city scale < 5 s; ranking data < 100 ms. Peak RSS is printed at the end. Where Chromium is
 * installed (CHROMIUM_PATH), its PDF of the same report is timed in the same run for comparison.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { loadConfig } from '../config/env.js';
import { collectMonthlyReport } from '../services/reports/collect-monthly.js';
import { produceReport } from '../services/reports/produce-report.js';
import { renderMonthlyCsv } from '../services/reports/render/csv.js';
import { renderMonthlyHtml } from '../services/reports/render/html-monthly.js';
import { chartPngs } from '../services/charts/raster.js';
import { chromiumEngine, pdfkitEngine, type PdfInput } from '../services/reports/render/pdf-engine.js';
import { renderMonthlyXlsx } from '../services/reports/render/xlsx.js';
import { ensurePartitionsFor } from '../services/store/measurement-queries.js';
import { ManualClock } from '../services/time/shanghai.js';
import { createTestDatabase } from '../tests/helpers/test-db.js';
import { insertReference, TONGZHOU_AREAS } from '../tests/reports/fixture-reference.js';

const CITY_UNITS = 330;

/**
 * Wall time and main-thread time: the event loop's busy time over the call (eventLoopUtilization().active),
 * i.e. how long the API and ingest sharing this process would have waited for the main thread meanwhile.
 * Where the main thread itself is the bottleneck (produce: PDF and XLSX layout) the two come out alike.
 */
async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; mainMs: number; value: T }> {
  const elu = performance.eventLoopUtilization();
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, mainMs: performance.eventLoopUtilization(elu).active, value };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;

/** Two years of rollups for the scopes, deterministic pseudo-random values with a winter peak. */
async function loadRollups(pool: pg.Pool, district: string, areas: string[]): Promise<void> {
  const scopes = [district, ...areas];
  const noise = `(abs(hashtext(s || d::text)) % 1000) / 1000.0`;
  await pool.query(
    `INSERT INTO scope_daily (scope_id, metric_id, day, value, n_series, n_valid_series, valid, min_version)
     SELECT s, m, d::date,
            CASE m WHEN 'pm25' THEN 25 + 30 * cos(2 * pi() * extract(doy FROM d) / 366) ^ 2 + 20 * ${noise}
                   ELSE 120 + 60 * ${noise} END,
            1, 1, true, 1
       FROM unnest($1::text[]) s, unnest(ARRAY['pm25', 'tsp']) m,
            generate_series('2023-01-01'::date, '2024-12-31'::date, INTERVAL '1 day') d`,
    [scopes],
  );
  await pool.query(
    `INSERT INTO scope_daily (scope_id, metric_id, day, value, n_series, n_valid_series, valid, min_version)
     SELECT s, m, d::date,
            CASE m WHEN 'dust_fall' THEN 3 + 4 * ${noise} WHEN 'road_dust_load' THEN 0.2 + 0.6 * ${noise} ELSE 2 + 4 * ${noise} END,
            1, 1, true, 1
       FROM unnest($1::text[]) s, unnest(ARRAY['dust_fall', 'road_dust_load', 'road_dust_residue']) m,
            generate_series('2023-01-01'::date, '2024-12-01'::date, INTERVAL '1 month') d`,
    [scopes],
  );
  await pool.query(
    `INSERT INTO scope_monthly (scope_id, metric_id, month, value, n_days, n_valid_days, valid, min_version)
     SELECT scope_id, metric_id, date_trunc('month', day)::date, avg(value), count(*), count(*), true, 1
       FROM scope_daily WHERE scope_id = ANY ($1) GROUP BY 1, 2, 3`,
    [scopes],
  );
  await pool.query(
    `INSERT INTO scope_daily_aqi (scope_id, day, aqi, level, standard)
     SELECT scope_id, day, ceil(value * 1.45)::int,
            CASE WHEN value > 250 THEN 6 WHEN value > 150 THEN 5 WHEN value > 115 THEN 4 WHEN value > 75 THEN 3 WHEN value > 35 THEN 2 ELSE 1 END,
            'HJ633-2012'
       FROM scope_daily WHERE scope_id = $1 AND metric_id = 'pm25'`,
    [district],
  );
  await pool.query(
    `INSERT INTO city_ranking (metric_id, period_kind, period_start, period_end, unit_key, unit_name, area_id, rank, n_ranked, value, source_id)
     SELECT m, 'month', d::date, (d + INTERVAL '1 month - 1 day')::date, a, a, a, 1 + abs(hashtext(a || m || d::text)) % 340, 340, NULL, 'bench'
       FROM unnest($1::text[]) a, unnest(ARRAY['pm25', 'tsp']) m,
            generate_series('2024-01-01'::date, '2024-12-01'::date, INTERVAL '1 month') d`,
    [areas],
  );
}

/** A year of hourly PM2.5 per unit (the district scale): realistic table sizes behind the rollups. */
async function loadHourly(pool: pg.Pool, areas: string[]): Promise<number> {
  await ensurePartitionsFor(pool, new Date('2023-12-31T00:00:00Z'), new Date('2024-12-31T23:00:00Z'));
  const { rowCount } = await pool.query(
    `INSERT INTO measurement (ts, series_id, metric_id, value, data_version, source_id)
     SELECT ts, a, 'pm25', 20 + (abs(hashtext(a || ts::text)) % 600) / 10.0, 1, 'bench'
       FROM unnest($1::text[]) a,
            generate_series('2024-01-01 00:00+08'::timestamptz, '2024-12-31 23:00+08'::timestamptz, INTERVAL '1 hour') ts`,
    [areas],
  );
  return rowCount ?? 0;
}

async function cityAreas(pool: pg.Pool): Promise<string[]> {
  await pool.query(
    `INSERT INTO district (id, name_zh, name_en, sort_order) VALUES ('city', '全市（基准）', 'City (bench)', 9)`,
  );
  await pool.query(
    `INSERT INTO area (id, district_id, name_zh, short_zh, name_en, kind, valid_from, sort_order)
     SELECT 'city_' || i, 'city', '基准街道' || i || '办事处', '基准街道' || i, 'Bench street ' || i, 'street', '2020-01-01', i
       FROM generate_series(1, $1::int) i`,
    [CITY_UNITS],
  );
  return (
    await pool.query<{ id: string }>(`SELECT id FROM area WHERE district_id = 'city' ORDER BY sort_order`)
  ).rows.map((r) => r.id);
}

async function benchScale(pool: pg.Pool, scope: string, label: string, outDir: string): Promise<void> {
  console.log(`\n== ${label}`);
  for (const month of ['2024-12', '2024-03']) {
    const runs: number[] = [];
    let data = await collectMonthlyReport(pool, { scopeId: scope, month });
    for (let i = 0; i < 7; i++)
      runs.push((await time(() => collectMonthlyReport(pool, { scopeId: scope, month }))).ms);
    data = await collectMonthlyReport(pool, { scopeId: scope, month });
    console.log(
      `data      ${month}  ${fmt(median(runs))}  (median of 7 warm runs; ${data.areaCount} units, ${data.rankings.length} rankings)`,
    );
  }
  const data = await collectMonthlyReport(pool, { scopeId: scope, month: '2024-12' });
  const ctx = {
    locale: 'zh-CN' as const,
    version: 1,
    producedAt: new Date(),
    supersedes: null,
    charts: 'svg' as const,
  };
  const html = await time(async () => renderMonthlyHtml(data, ctx));
  const xlsx = await time(() =>
    renderMonthlyXlsx(data, 'zh-CN', { title: html.value.title, version: 1, producedAt: ctx.producedAt }),
  );
  const csv = await time(async () => renderMonthlyCsv(data, 'zh-CN'));
  const pdfInput: PdfInput = {
    data,
    html: html.value.html,
    charts: html.value.charts,
    locale: 'zh-CN',
    title: html.value.title,
    version: 1,
    producedAt: ctx.producedAt,
    supersedes: null,
    footerLabel: `bench ${scope}`,
  };
  const engine = pdfkitEngine();
  const pdf = await time(() => engine.pdf(pdfInput));
  const mail = renderMonthlyHtml(data, { ...ctx, charts: 'cid' });
  // The first call of a process starts the rasteriser's worker thread (services/charts/raster.ts); a running
  // service pays that once, so the figure is a second call, the first printed apart.
  const firstPngs = await time(() => chartPngs(mail.charts));
  const pngs = await time(() => chartPngs(mail.charts));
  console.log(
    `render    html ${fmt(html.ms)} · xlsx ${fmt(xlsx.ms)} · csv ${fmt(csv.ms)} · pdf (pdfkit) ${fmt(pdf.ms)} (${(pdf.value.length / 1024).toFixed(0)} KiB) · e-mail charts ${fmt(pngs.ms)} (${mail.charts.length} PNG; main thread ${fmt(pngs.mainMs)}; first call ${fmt(firstPngs.ms)})`,
  );
  const clock = new ManualClock(new Date('2025-01-06T01:30:00Z'));
  const total = await time(() =>
    produceReport(pool, {
      kind: 'monthly',
      scopeId: scope,
      periodKey: '2024-12',
      reason: 'on_demand',
      // The product's locales (REPORT_LOCALES, as the produce-report job): REPORT_LOCALES=zh-CN,en times both.
      locales: loadConfig().REPORT_LOCALES,
      outDir,
      clock,
      renderer: engine,
      force: true,
    }),
  );
  const t = total.value.timings;
  console.log(
    `produce   every format, archived, no browser: ${fmt(total.ms)}  = data ${fmt(t.dataMs)} + render ${fmt(t.renderMs)} + archive ${fmt(t.archiveMs)}  (${total.value.files.length} files, ${total.value.failures.length} failed; main thread ${fmt(total.mainMs)})`,
  );
  await chromiumComparison(pdfInput);
}

/** The optional Chromium engine on the same report, where a browser is installed. */
async function chromiumComparison(input: PdfInput): Promise<void> {
  const { CHROMIUM_PATH } = loadConfig();
  if (!existsSync(CHROMIUM_PATH)) {
    console.log(`chromium  not installed at ${CHROMIUM_PATH}: comparison skipped`);
    return;
  }
  const chromium = chromiumEngine(CHROMIUM_PATH);
  try {
    const first = await time(() => chromium.pdf(input));
    const warm = await time(() => chromium.pdf(input));
    console.log(
      `chromium  pdf ${fmt(first.ms)} with the browser launch, ${fmt(warm.ms)} warm (${(warm.value.length / 1024).toFixed(0)} KiB)`,
    );
  } finally {
    await chromium.close();
  }
}

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const outDir = await mkdtemp(path.join(tmpdir(), 'envwatch-bench-report-'));
  try {
    await insertReference(db.pool);
    const tz = TONGZHOU_AREAS.map((a) => a.id);
    const load = await time(async () => {
      await loadRollups(db.pool, 'tongzhou', tz);
      return loadHourly(db.pool, tz);
    });
    console.log(`loaded district: ${load.value} hourly rows + rollups in ${fmt(load.ms)}`);
    const city = await cityAreas(db.pool);
    const cityLoad = await time(() => loadRollups(db.pool, 'city', city));
    console.log(`loaded city: ${city.length} units of rollups in ${fmt(cityLoad.ms)}`);
    // VACUUM as well: rollups a year old have long been vacuumed by autovacuum, and only then can the
    // report's window reads be index-only scans (migration 0042); a table fresh from a bulk load is not.
    await db.pool.query('VACUUM ANALYZE');
    await benchScale(
      db.pool,
      'tongzhou',
      `district (Tongzhou, ${tz.length} units) — targets: data < 100 ms, all formats < 1 s`,
      outDir,
    );
    await benchScale(
      db.pool,
      'city',
      `city scale (${city.length} units) — targets: data < 100 ms, all formats < 5 s`,
      outDir,
    );
    // maxRSS is in KiB: the peak of the whole run (data loading included), Chromium's own processes not.
    console.log(`\npeak RSS  ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (this process)`);
  } finally {
    await rm(outDir, { recursive: true, force: true });
    await db.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
