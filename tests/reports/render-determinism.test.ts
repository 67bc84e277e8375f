/**
 * Issue #19 acceptance: two renders of the same report give identical files. Same data, same version, same
 * production time: every format must come out byte for byte the same (a PDF or workbook that stamps the
 * wall-clock time of rendering would make every re-render look like a new document).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { collectReportData } from '../../services/reports/produce-report.js';
import { renderReport } from '../../services/reports/render-report.js';
import { chromiumEngine, type PdfEngine } from '../../services/reports/render/pdf-engine.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertMarchDataset } from './fixture-data.js';
import { insertReference } from './fixture-reference.js';

const db = useTestDatabase();
let renderer: PdfEngine;

beforeAll(async () => {
  // The optional Chromium engine (the default pdfkit one is covered by report-formats.test.ts).
  renderer = chromiumEngine('/usr/bin/chromium');
  await insertReference(db.pool);
  await insertMarchDataset(db.pool, { marchVersion: 0 });
});

afterAll(async () => {
  await renderer?.close();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('report rendering is deterministic', () => {
  it('renders the same files twice from the same data', async () => {
    const run = {
      version: 1,
      producedAt: new Date('2024-04-05T01:30:00Z'),
      supersedes: null,
      locales: ['zh-CN'] as const,
    };
    const first = await renderReport(
      await collectReportData(db.pool, 'monthly', 'tongzhou', '2024-03'),
      run,
      renderer,
    );
    await new Promise((r) => setTimeout(r, 1100)); // a second later: a wall-clock stamp would show
    // Rows with equal keys in another physical order: an UPDATE writes each row anew at the heap's end, so
    // a query without a full ORDER BY would return the tied units (37.2 for 九棵树 and 杨庄), the units and
    // the alerts in a different order now. The files must not change.
    await db.pool.query(`UPDATE area SET sort_order = sort_order WHERE id IN ('jiukeshu', 'beiyuan')`);
    await db.pool.query(`UPDATE scope_monthly SET value = value WHERE scope_id IN ('jiukeshu', 'zhongcang')`);
    await db.pool.query(`UPDATE evaluation SET value = value WHERE scope_id = 'xiji'`);
    await db.pool.query(`UPDATE alert SET severity = severity WHERE scope_id = 'xiji'`);
    const second = await renderReport(
      await collectReportData(db.pool, 'monthly', 'tongzhou', '2024-03'),
      run,
      renderer,
    );
    const digest = (o: typeof first) => Object.fromEntries(o.files.map((f) => [f.format, sha(f.content)]));
    expect(digest(second)).toEqual(digest(first));
  });
});
