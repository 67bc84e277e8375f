/**
 * A chart rasteriser whose worker thread crashes costs the e-mail's images only: the report is archived with
 * every file, and the failure is recorded as 'email-images' with the worker's reason (services/charts/raster.ts,
 * services/reports/render-report.ts). The worker here is the real one, made to crash on every request.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readReportFailures } from '../../services/demo/summary-queries.js';
import { produceReport } from '../../services/reports/produce-report.js';
import { openPdfEngine } from '../../services/reports/render/pdf-engine.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertMarchDataset } from './fixture-data.js';
import { insertReference } from './fixture-reference.js';

vi.mock('../../services/charts/raster.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../services/charts/raster.js')>();
  const crashing = new real.ChartRasteriser({
    workerUrl: new URL('../helpers/failing-raster-worker.ts?crash=all', import.meta.url),
  });
  return { ...real, chartPngs: (charts: Parameters<typeof real.chartPngs>[0]) => crashing.render(charts) };
});

const db = useTestDatabase();
let outDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'envwatch-email-images-'));
  await insertReference(db.pool);
  await insertMarchDataset(db.pool, { marchVersion: 0 });
}, 60_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('e-mail images when the rasteriser crashes', () => {
  it('the report keeps every file and records the e-mail images as failed, with the reason', async () => {
    const r = await produceReport(db.pool, {
      kind: 'monthly',
      scopeId: 'tongzhou',
      periodKey: '2024-03',
      reason: 'schedule',
      locales: ['zh-CN', 'en'],
      clock: new ManualClock(new Date('2024-04-05T01:30:00Z')),
      outDir,
      renderer: openPdfEngine({ engine: 'pdfkit', chromiumPath: '/nonexistent/chromium' }),
      force: true,
    });
    expect(r.files).toHaveLength(8);
    expect(r.failures).toEqual(
      ['zh-CN', 'en'].map((locale) => ({
        locale,
        format: 'email-images',
        reason:
          '图表图片渲染线程崩溃：boom in the rasteriser (chart rasteriser worker crashed: boom in the rasteriser)',
      })),
    );
    expect(await readReportFailures(db.pool)).toEqual([
      expect.objectContaining({ format: 'email-images', n: 2 }),
    ]);
  }, 60_000);
});
