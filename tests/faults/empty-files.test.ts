/**
 * Issue #20 (low): an empty file was accepted by one door and refused by another — the drop directory refused a
 * 0-byte file ("no rows") but made an empty batch of a header-only one; the 台账 upload said "lacks the
 * columns" for an empty workbook and imported nothing from a header-only one without a word. Now every door
 * refuses an empty delivery (0 bytes, blank lines, header only, a workbook without rows) with EMPTY_FILE and
 * what it expected, and keeps what it refused where a person sees it (docs/decisions.md, "Empty deliveries").
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import Fastify from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { registerMeasurementPushRoute } from '../../services/api/routes/measurement-push-route.js';
import { SYSTEM_ACTOR } from '../../services/auth/audit-log.js';
import { cliPrincipal } from '../../services/cli/command.js';
import { run as runIngestCommand } from '../../services/cli/commands/ingest.js';
import { fileDropAdapter } from '../../services/ingest/adapters/file-drop.js';
import { parseSources } from '../../services/ingest/sources/load-sources.js';
import type { FileDropSource } from '../../services/ingest/sources/source-schema.js';
import { importLedger } from '../../services/tasks/import-ledger.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { adapterCtx, batchState, seedRealReference, useTempDir } from '../ingest/fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-06-01T12:00:00+08:00'));
const tempDir = useTempDir();
const EMPTY = /empty: the file has (no rows|a header row but no data rows); expected a header row/;

/** The empty files, each as a door receives it. */
const FILES: { name: string; kind: 'noRows' | 'headerOnly'; write: (file: string) => Promise<void> }[] = [
  { name: 'zero.csv', kind: 'noRows', write: (f) => writeFile(f, '') },
  { name: 'blank-lines.csv', kind: 'noRows', write: (f) => writeFile(f, '\r\n\r\n') },
  { name: 'header-only.csv', kind: 'headerOnly', write: (f) => writeFile(f, 'time,series,metric,value\r\n') },
  { name: 'no-rows.xlsx', kind: 'noRows', write: (f) => workbook([]).xlsx.writeFile(f) },
  {
    name: 'header-only.xlsx',
    kind: 'headerOnly',
    write: (f) => workbook([['time', 'series', 'metric', 'value']]).xlsx.writeFile(f),
  },
];

function workbook(rows: string[][]): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('数据');
  for (const r of rows) ws.addRow(r);
  return wb;
}

function dropSource(id: string, format: string): FileDropSource {
  const [s] = parseSources(
    `sources:\n  - { id: ${id}, name_zh: 测试, adapter: file_drop, schedule: '* * * * *', dir: ${id}, ` +
      `format: ${format}, cadence: hour, expected_lag: 1h, settle_window: 1h }\n`,
  );
  return s as FileDropSource;
}

beforeAll(async () => {
  await seedRealReference(db.pool);
});

describe('an empty file is refused the same way at every door', () => {
  for (const format of ['auto', 'long']) {
    it.each(FILES)(
      `the drop directory (format ${format}): $name → failed batch, file kept with the reason`,
      async (f) => {
        const id = `drop_${format}_${f.name.replace(/\W/g, '_')}`;
        const dir = path.join(tempDir(), id);
        await mkdir(dir, { recursive: true });
        await f.write(path.join(dir, f.name));
        const r = await fileDropAdapter.run(
          dropSource(id, format),
          adapterCtx(db.pool, clock, { dropDir: tempDir() }),
        );
        expect(r.batches).toEqual([]);
        expect(r.rejected).toHaveLength(1);
        expect(r.rejected[0]!.error).toMatch(EMPTY);
        expect(r.rejected[0]!.error).toContain(f.kind === 'noRows' ? '没有任何行' : '只有表头');
        expect(await batchState(db.pool, r.rejected[0]!.batchId)).toMatchObject({
          status: 'failed',
          received: 0,
        });
        const kept = await readdir(path.join(dir, 'failed'));
        expect(kept.filter((n) => n.endsWith(f.name))).toHaveLength(1);
        const reason = kept.find((n) => n.endsWith('.error.txt'))!;
        expect(await readFile(path.join(dir, 'failed', reason), 'utf8')).toMatch(EMPTY);
      },
    );
  }

  for (const bulk of [false, true]) {
    it.each(FILES)(`envwatch ingest${bulk ? ' --bulk' : ''}: $name → refused, nothing stored`, async (f) => {
      const file = path.join(tempDir(), `cli-${bulk ? 'bulk' : 'steady'}-${f.name}`);
      await f.write(file);
      const config = loadConfig({ ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
      const args = ['--source', 'manual_cli', ...(bulk ? ['--bulk', '--format', 'long'] : []), file];
      const before = await db.pool.query(`SELECT count(*)::int AS n FROM ingest_batch WHERE status = 'done'`);
      await expect(runIngestCommand({ config, args, out: () => undefined })).rejects.toThrow(EMPTY);
      const after = await db.pool.query(`SELECT count(*)::int AS n FROM ingest_batch WHERE status = 'done'`);
      expect(after.rows[0].n).toBe(before.rows[0].n);
    });
  }

  it('the HTTP push: no measurements → 400 naming EMPTY_FILE, no batch', async () => {
    const app = Fastify();
    registerMeasurementPushRoute(app, {
      db: db.pool,
      clock,
      sources: async () =>
        parseSources(
          `sources:\n  - { id: push_empty, name_zh: 推送, adapter: http_push, cadence: hour, expected_lag: 1h, settle_window: 3h }\n`,
        ),
    });
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/ingest/measurements',
      payload: { source: 'push_empty', batch_ref: 'empty-1', measurements: [] },
    });
    await app.close();
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/empty: no measurements \(EMPTY_FILE\); expected at least one/);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM ingest_batch WHERE source_id = 'push_empty'`,
    );
    expect(rows[0].n).toBe(0);
  });

  it.each([
    { name: 'no rows', kind: 'noRows', rows: [] as string[][] },
    {
      name: 'header only',
      kind: 'headerOnly',
      rows: [['任务编号', '责任单位编号', '月份', '进展状态', '进展情况']],
    },
  ])('the task 台账 upload: $name → refused, no import recorded', async ({ rows }) => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('台账');
    for (const r of rows) ws.addRow(r);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const admin = cliPrincipal(SYSTEM_ACTOR);
    await expect(
      importLedger(db.pool, SYSTEM_ACTOR, admin, { name: '6月台账.xlsx', bytes, today: '2024-06-01' }),
    ).rejects.toThrow(EMPTY);
    const { rows: imports } = await db.pool.query(`SELECT count(*)::int AS n FROM task_import`);
    expect(imports[0].n).toBe(0);
  });
});
