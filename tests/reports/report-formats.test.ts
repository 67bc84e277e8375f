/**
 * Reports on a machine without a browser (issue 15): the default engine never looks for Chromium, every
 * format comes out, the same data render to the same bytes, and a format that fails is recorded with its
 * reason while the others are archived — then filled in by the next run.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
});
