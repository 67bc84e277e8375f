/**
 * Issue #20 (medium): an XLSX zip bomb (720 KB → +600 MB of memory; 5.4 MB → 3 min 49 s of CPU) was inflated
 * by exceljs before anything looked at it. Now the ZIP's central directory is read first and a file declaring
 * too much, or an entry inflating too many times its size, is refused unread: a failed batch naming the bound,
 * the file kept under failed/ with the reason beside it. A file past INGEST_MAX_FILE_MB likewise.
 *
 * The directory is only what the writer declares: a crafted file declaring a few KB per entry passed that check
 * and was inflated whole. Its entries are now inflated and counted first (stopping at the bound), on the
 * whole-read and the streamed path alike; the task 台账 upload: tests/faults/xlsx-bomb-ledger.test.ts.
 */
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import JSZip from 'jszip';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fileDropAdapter } from '../../services/ingest/adapters/file-drop.js';
import { readTableRowChunks } from '../../services/ingest/formats/table-reader.js';
import { readZipEntrySizes } from '../../services/ingest/formats/zip-bounds.js';
import { lieAboutSizes } from './zip-craft.js';
import { DEFAULT_INGEST_LIMITS, configureIngestLimits } from '../../services/ingest/limits.js';
import { parseSources } from '../../services/ingest/sources/load-sources.js';
import type { FileDropSource } from '../../services/ingest/sources/source-schema.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { EXAMPLES, adapterCtx, batchState, seedRealReference, useTempDir } from '../ingest/fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-06-01T12:00:00+08:00'));
const tempDir = useTempDir();
const MB = 1024 * 1024;

function source(id: string): FileDropSource {
  const [s] = parseSources(
    `sources:\n  - { id: ${id}, name_zh: 测试, adapter: file_drop, schedule: '* * * * *', dir: ${id}, ` +
      `cadence: hour, expected_lag: 1h, settle_window: 1h }\n`,
  );
  return s as FileDropSource;
}

/** A workbook whose one sheet is `rows` identical rows: tiny compressed, huge inflated. */
async function writeBomb(file: string, rows: number): Promise<void> {
  const row = '<row><c t="inlineStr"><is><t>2024-03-01 08:00,北苑,pm25,40</t></is></c></row>';
  const zip = new JSZip();
  zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types/>');
  zip.file(
    'xl/workbook.xml',
    '<workbook><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>',
  );
  zip.file('xl/worksheets/sheet1.xml', `<worksheet><sheetData>${row.repeat(rows)}</sheetData></worksheet>`);
  await writeFile(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
}

async function writeLyingBomb(file: string, rows: number): Promise<void> {
  await writeBomb(file, rows);
  await writeFile(file, lieAboutSizes(await readFile(file)));
}

async function runDrop(id: string, name: string, write: (file: string) => Promise<void>) {
  const dir = path.join(tempDir(), id);
  await mkdir(dir, { recursive: true });
  await write(path.join(dir, name));
  const started = Date.now();
  const r = await fileDropAdapter.run(source(id), adapterCtx(db.pool, clock, { dropDir: tempDir() }));
  return { r, dir, ms: Date.now() - started };
}

describe('XLSX and file-size bounds', () => {
  beforeAll(async () => {
    await seedRealReference(db.pool);
  });
  afterEach(() => configureIngestLimits(limitsConfig({})));

  it('refuses a zip bomb by its declared ratio before inflating it, keeping the file and the reason', async () => {
    const { r, dir, ms } = await runDrop('bomb', 'bomb.xlsx', (f) => writeBomb(f, 400_000));
    const sizes = await readZipEntrySizes(
      path.join(dir, 'failed', (await readdir(path.join(dir, 'failed')))[0]!),
    );
    const sheet = sizes.find((e) => e.name === 'xl/worksheets/sheet1.xml')!;
    expect(sheet.uncompressed).toBeGreaterThan(30 * MB);
    expect(r.batches).toEqual([]);
    expect(r.rejected).toHaveLength(1);
    const { batchId, error } = r.rejected[0]!;
    expect(error).toMatch(/XLSX_MAX_RATIO 200/);
    expect(await batchState(db.pool, batchId)).toMatchObject({ status: 'failed' });
    expect(await readFile(path.join(dir, 'failed', `${batchId}-bomb.xlsx.error.txt`), 'utf8')).toMatch(
      /zip bomb/,
    );
    expect(ms).toBeLessThan(5_000);
  });

  it('refuses a workbook declaring more than XLSX_MAX_UNCOMPRESSED_MB, and reads one within it', async () => {
    const example = path.join(EXAMPLES, 'wide-monthly.xlsx');
    configureIngestLimits(limitsConfig({ XLSX_MAX_UNCOMPRESSED_MB: 0.001 }));
    const big = await runDrop('big', 'big.xlsx', (f) => copyFile(example, f));
    expect(big.r.rejected[0]?.error).toMatch(/past XLSX_MAX_UNCOMPRESSED_MB/);
    configureIngestLimits(limitsConfig({}));
    const ok = await runDrop('small', 'small.xlsx', (f) => copyFile(example, f));
    expect(ok.r.rejected).toEqual([]);
    expect(ok.r.batches.map((b) => b.inserted)).toEqual([5]);
  });

  it('refuses a bomb whose directory lies about its sizes, counting what it really inflates to', async () => {
    const { r, dir, ms } = await runDrop('liar', 'liar.xlsx', (f) => writeLyingBomb(f, 400_000));
    const kept = path.join(dir, 'failed', (await readdir(path.join(dir, 'failed')))[0]!);
    const sheet = (await readZipEntrySizes(kept)).find((e) => e.name === 'xl/worksheets/sheet1.xml')!;
    expect(sheet.uncompressed / sheet.compressed).toBe(3); // what the directory says: nothing to refuse
    expect(r.batches).toEqual([]);
    expect(r.rejected[0]?.error).toMatch(
      /xl\/worksheets\/sheet1.xml inflates \d+× .* past XLSX_MAX_RATIO 200/,
    );
    expect(await batchState(db.pool, r.rejected[0]!.batchId)).toMatchObject({ status: 'failed' });
    expect(ms).toBeLessThan(5_000);
  });

  it('stops inflating a lying bomb at XLSX_MAX_UNCOMPRESSED_MB, on the streamed path too', async () => {
    configureIngestLimits(limitsConfig({ XLSX_MAX_UNCOMPRESSED_MB: 4, XLSX_MAX_RATIO: 100_000 }));
    const file = path.join(tempDir(), 'streamed-liar.xlsx');
    await writeLyingBomb(file, 400_000); // ~30 MB inflated, declaring ~0.3 MB
    const read = async () => {
      for await (const chunk of readTableRowChunks(file, undefined, { head: true })) void chunk;
    };
    await expect(read()).rejects.toThrow(
      /inflates to more than 4 MB uncompressed, past XLSX_MAX_UNCOMPRESSED_MB 4/,
    );
  });

  it('refuses a file past INGEST_MAX_FILE_MB unread', async () => {
    configureIngestLimits(limitsConfig({ INGEST_MAX_FILE_MB: 0.001 }));
    const { r } = await runDrop('huge', 'huge.csv', (f) => writeFile(f, 'x,'.repeat(2048)));
    expect(r.rejected[0]?.error).toMatch(/past INGEST_MAX_FILE_MB/);
    expect(await batchState(db.pool, r.rejected[0]!.batchId)).toMatchObject({ status: 'failed' });
  });
});

function limitsConfig(over: Partial<Record<string, number>>) {
  const d = DEFAULT_INGEST_LIMITS;
  return {
    INGEST_MAX_LINE_CHARS: d.maxLineChars,
    INGEST_MAX_FIELD_CHARS: d.maxFieldChars,
    INGEST_MAX_COLUMNS: d.maxColumns,
    INGEST_MAX_LINES_PER_RECORD: d.maxLinesPerRecord,
    INGEST_MAX_FILE_MB: d.maxFileBytes / MB,
    XLSX_MAX_UNCOMPRESSED_MB: d.maxXlsxUncompressedBytes / MB,
    XLSX_MAX_RATIO: d.maxXlsxRatio,
    ...over,
  };
}
