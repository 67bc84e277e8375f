/**
 * Reports on a machine without a browser (issue 15): the default engine never looks for Chromium, every
 * format comes out, the same data render to the same bytes, and a format that fails is recorded with its
 * reason while the others are archived — then filled in by the next run.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReportFailures } from '../../services/demo/summary-queries.js';
import { collectReportData, produceReport } from '../../services/reports/produce-report.js';
import { renderReport } from '../../services/reports/render-report.js';
import { openPdfEngine } from '../../services/reports/render/pdf-engine.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertMarchDataset } from './fixture-data.js';
import { insertReference } from './fixture-reference.js';

const run = promisify(execFile);
const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-04-05T01:30:00Z'));
let outDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'envwatch-formats-'));
  await insertReference(db.pool);
  await insertMarchDataset(db.pool, { marchVersion: 0 });
}, 60_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

const base = {
  kind: 'monthly' as const,
  scopeId: 'tongzhou',
  periodKey: '2024-03',
  reason: 'schedule' as const,
  locales: ['zh-CN', 'en'] as const,
  clock,
};

describe('reports without a browser', () => {
  it('the default engine makes every format with CHROMIUM_PATH pointing nowhere', async () => {
    const engine = openPdfEngine({ engine: 'pdfkit', chromiumPath: '/nonexistent/chromium' });
    const r = await produceReport(db.pool, { ...base, outDir, renderer: engine, force: true });
    expect(r.failures).toEqual([]);
    expect(r.files.map((f) => `${f.locale} ${f.format}`).sort()).toEqual(
      ['csv', 'html', 'pdf', 'xlsx'].flatMap((f) => [`en ${f}`, `zh-CN ${f}`]).sort(),
    );
    const pdf = r.files.find((f) => f.format === 'pdf' && f.locale === 'zh-CN')!;
    const { stdout } = await run('pdftotext', [path.join(outDir, pdf.path), '-']);
    expect(stdout).toContain('漷县镇');
    expect(stdout).toContain('劣Ⅴ类');
    const email = (r.report.summary['email'] as Record<string, { images: { path: string }[] }>)['zh-CN']!;
    expect(email.images.length).toBe(8);
    const png = await readFile(path.join(outDir, email.images[0]!.path));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  }, 60_000);

  it('renders the same data to identical files, format by format', async () => {
    const data = await collectReportData(db.pool, 'monthly', 'tongzhou', '2024-03');
    const engine = openPdfEngine({ engine: 'pdfkit', chromiumPath: '/nonexistent/chromium' });
    const runOpts = { version: 3, producedAt: clock.now(), supersedes: 2, locales: base.locales };
    const a = await renderReport(data, runOpts, engine);
    const b = await renderReport(data, runOpts, engine);
    expect(a.files.length).toBe(8);
    for (const [i, f] of a.files.entries())
      expect(f.content.equals(b.files[i]!.content), `${f.locale} ${f.format}`).toBe(true);
    for (const [i, e] of a.email.entries()) {
      expect(e.html).toBe(b.email[i]!.html);
      for (const [j, img] of e.images.entries())
        expect(img.png.equals(b.email[i]!.images[j]!.png)).toBe(true);
    }
  }, 60_000);

  it('a PDF engine that cannot start costs the PDF only; the next run fills it in', async () => {
    const broken = openPdfEngine({ engine: 'chromium', chromiumPath: '/nonexistent/chromium' });
    const r = await produceReport(db.pool, { ...base, outDir, renderer: broken, force: true });
    await broken.close();
    expect(r.status).toBe('created');
    expect(r.files.map((f) => f.format).sort()).toEqual(['csv', 'csv', 'html', 'html', 'xlsx', 'xlsx']);
    expect(r.failures).toHaveLength(2);
    for (const f of r.failures) {
      expect(f.format).toBe('pdf');
      expect(f.reason).toMatch(/Chromium not found at \/nonexistent\/chromium/);
    }
    const { rows } = await db.pool.query(
      `SELECT summary->'failures' AS failures, (SELECT count(*)::int FROM report_file WHERE report_id = r.id) AS files
         FROM report r WHERE id = $1`,
      [r.report.id],
    );
    expect(rows[0].files).toBe(6);
    expect(rows[0].failures).toHaveLength(2);
    // The demo summary names what is missing and why.
    expect(await readReportFailures(db.pool)).toEqual([
      {
        format: 'pdf',
        reason: expect.stringMatching(/^Chromium not found at \/nonexistent\/chromium/),
        n: 2,
        example: 'tongzhou 2024-03 en',
      },
    ]);
    // Same data, no --force: the version with a missing format is not "unchanged", it is made again.
    const again = await produceReport(db.pool, {
      ...base,
      outDir,
      renderer: openPdfEngine({ engine: 'pdfkit', chromiumPath: '/nonexistent/chromium' }),
    });
    expect(again.status).toBe('created');
    expect(again.report.version).toBe(r.report.version + 1);
    expect(again.files.filter((f) => f.format === 'pdf')).toHaveLength(2);
    expect(again.failures).toEqual([]);
    expect(await readReportFailures(db.pool)).toEqual([]);
  }, 60_000);

  it('the bulletin: month on month with the rank move, and each unit checked against the monthly limit', async () => {
    const data = await collectReportData(db.pool, 'monthly', 'tongzhou', '2024-03');
    if (data.kind !== 'monthly') throw new Error('expected the monthly report');
    const pm25 = data.rankings.find((r) => r.metric.id === 'pm25')!;
    const luyuan = pm25.rows.find((r) => r.area.id === 'luyuan')!;
    expect(luyuan).toMatchObject({
      value: 36.4,
      rank: 1,
      lastMonth: 42.4,
      lastMonthRank: 1,
      monthChange: -6,
    });
    const dust = data.rankings.find((r) => r.metric.id === 'dust_fall')!;
    const over = dust.rows.filter((r) => r.value !== null && r.value > data.headline.dustFallMonth.target!);
    expect(over.length).toBeGreaterThan(0);
    const out = await renderReport(
      data,
      { version: 1, producedAt: clock.now(), supersedes: null, locales: ['zh-CN'] },
      openPdfEngine({ engine: 'pdfkit', chromiumPath: '/nonexistent/chromium' }),
    );
    const pdf = out.files.find((f) => f.format === 'pdf')!;
    const file = path.join(outDir, 'bulletin.pdf');
    await writeFile(file, pdf.content);
    const { stdout } = await run('pdftotext', ['-layout', file, '-']);
    expect(stdout).toContain('环比变化');
    expect(stdout).toMatch(/潞源街道 前3名\s+36\.4\s+-6\.0（-14\.2%）[^\n]*\n\s+名次持平/);
    // 同比 is bracketed like 环比 (full-width in Chinese), not "-4.0 (-9.9%)" beside "-6.0（-14.2%）".
    expect(stdout).toMatch(/潞源街道 前3名\s+36\.4\s+-6\.0（-14\.2%）\s+-4\.0（-9\.9%）/);
    expect((stdout.match(/超月限值5/g) ?? []).length).toBe(over.length);
    const csv = out.files.find((f) => f.format === 'csv')!.content.toString('utf8');
    expect(csv.split('\r\n')[0]).toContain('上月,环比变化,环比变化 (%),上月排名,名次变化,月限值,超月限值');
  }, 60_000);
});
