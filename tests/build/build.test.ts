/**
 * The production build: `bin/build.mjs` compiles into a directory of its own (beside the real dist/, which other
 * tests may be running), and the compiled CLI works from there — help, the config/ files (check-targets reads
 * config/reference and config/targets from the project root) and the SQL migrations (migrate). Also how
 * bin/envwatch.mjs decides between dist/ and tsx (bin/build-lib.mjs).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderChartPng } from '../../services/charts/chart-png.js';
import { fontFiles } from '../../services/charts/fonts.js';
import { rankingBarChart } from '../../services/charts/report-charts.js';
import { createEmptyDatabase, type TestDatabase } from '../helpers/test-db.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, `.dist-test-${process.pid}`);
const MAIN = path.join(OUT, 'services/cli/main.js');
let db: TestDatabase;

function compiled(...args: string[]) {
  return run(process.execPath, [MAIN, ...args], {
    cwd: os.tmpdir(), // paths must resolve from the project root, not the working directory
    env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent' },
    timeout: 60_000,
  });
}

beforeAll(async () => {
  db = await createEmptyDatabase();
  await run(process.execPath, [path.join(ROOT, 'bin/build.mjs'), '--out-dir', OUT], { timeout: 240_000 });
}, 300_000);

afterAll(async () => {
  rmSync(OUT, { recursive: true, force: true });
  await db?.drop();
});

describe('the compiled build', () => {
  it('emits JavaScript, the imported JSON, the web stylesheet and a stamp', () => {
    for (const f of [
      'services/cli/main.js',
      'workers/worker-host.js',
      'config/paths.js',
      'services/labels/catalogue.json',
      'services/reports/render/labels.json',
      'services/ingest/refusal-reasons.json',
      'services/web/assets/app.css',
      'BUILD_STAMP',
    ]) {
      expect(existsSync(path.join(OUT, f)), f).toBe(true);
    }
  });

  it('prints the usage with node alone (no tsx)', async () => {
    const { stdout } = await run(process.execPath, [MAIN, '--help'], { cwd: os.tmpdir() });
    expect(stdout).toContain('usage: envwatch <command>');
    expect(stdout).toContain('start');
  });

  it('finds config/ at the project root', async () => {
    const { stdout } = await compiled('check-targets');
    expect(stdout).toMatch(/tongzhou-2024: \d+ target\(s\) valid/);
  });

  it('finds the migrations at the project root and applies them', async () => {
    await compiled('migrate');
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM envwatch_migration`);
    expect(rows[0]!.n).toBeGreaterThan(10);
  });

  it('draws the e-mail chart PNGs in a worker thread (raster-worker.js) with node alone, same bytes', async () => {
    const bars = [{ label: '漷县镇', value: 52.1, rank: 1, mark: 'worst' as const }];
    const opts = { title: 'PM2.5排名', unit: 'µg/m³', decimals: 1 };
    const url = (f: string) => JSON.stringify(pathToFileURL(path.join(OUT, f)).href);
    const script = `
      const { chartPngs } = await import(${url('services/charts/raster.js')});
      const { rankingBarChart } = await import(${url('services/charts/report-charts.js')});
      const pngs = await chartPngs([rankingBarChart('rank', ${JSON.stringify(bars)}, ${JSON.stringify(opts)})]);
      console.log((await import('node:crypto')).createHash('sha256').update(pngs.get('rank')).digest('hex'));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: os.tmpdir(),
      timeout: 60_000,
    });
    const inThread = await renderChartPng(rankingBarChart('rank', bars, opts).svg, await fontFiles());
    expect(stdout.trim()).toBe(createHash('sha256').update(inThread).digest('hex'));
  });
});

describe('bin/envwatch.mjs: dist or tsx', () => {
  const fake = mkdtempSync(path.join(os.tmpdir(), 'ew-build-'));
  const at = (p: string) => path.join(fake, p);
  const setTime = (p: string, s: number) => utimesSync(at(p), s, s);

  it('runs dist/ only when its stamp is newer than every source', async () => {
    // A plain .mjs module without types, imported by URL.
    const { distState } = (await import(pathToFileURL(path.join(ROOT, 'bin/build-lib.mjs')).href)) as {
      distState: (root: string) => 'current' | 'stale' | 'missing';
    };
    for (const d of ['config', 'services/web/assets', 'workers', 'dist'])
      mkdirSync(at(d), { recursive: true });
    for (const f of ['config/env.ts', 'services/web/assets/app.css', 'workers/a.ts'])
      writeFileSync(at(f), '');
    for (const f of ['config/env.ts', 'services/web/assets/app.css', 'workers/a.ts']) setTime(f, 1_000);
    expect(distState(fake)).toBe('missing');
    writeFileSync(at('dist/BUILD_STAMP'), '');
    setTime('dist/BUILD_STAMP', 2_000);
    expect(distState(fake)).toBe('current');
    setTime('services/web/assets/app.css', 3_000); // an edited stylesheet is a stale build too
    expect(distState(fake)).toBe('stale');
    rmSync(fake, { recursive: true, force: true });
  });
});
