import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileDropAdapter } from '../../services/ingest/adapters/file-drop.js';
import { parseSources } from '../../services/ingest/sources/load-sources.js';
import type { FileDropSource } from '../../services/ingest/sources/source-schema.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import {
  EXAMPLES,
  adapterCtx,
  batchState,
  seedRealReference,
  useTempDir,
  writeCsv,
  writeXlsx,
} from './fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-06-01T12:00:00+08:00'));
const tempDir = useTempDir();

/** "时间(北京时间),站点,指标,数值,单位" and one row, as Excel on Chinese Windows saves a CSV (GB18030). */
const GB18030_CSV =
  'cab1bce428b1b1bea9cab1bce4292cd5beb5e32cd6b8b1ea2ccafdd6b52cb5a5cebb0a323032342d30332d30322030383a30302cb1b1d4b7' +
  'bdd6b5c0cabec0fdbfd5c6f8d5be312ccfb8bfc5c1a3ceef2c34302ccea2bfcb2fc1a2b7bdc3d70a';

function source(id: string, extra = ''): FileDropSource {
  const [s] = parseSources(
    `sources:\n  - { id: ${id}, name_zh: 测试, adapter: file_drop, schedule: '* * * * *', dir: ${id}, ` +
      `cadence: hour, expected_lag: 1h, settle_window: 1h${extra} }\n`,
  );
  return s as FileDropSource;
}

describe('file drop adapter', () => {
  let drop: string;
  beforeAll(async () => {
    await seedRealReference(db.pool);
    drop = tempDir();
  });

  it('ingests CSV and XLSX files of several formats, one batch each, and files them under processed/', async () => {
    const s = source('mixed');
    const dir = path.join(drop, 'mixed');
    await mkdir(dir, { recursive: true });
    await copyFile(path.join(EXAMPLES, 'long-hourly.csv'), path.join(dir, 'a-long.csv'));
    await copyFile(path.join(EXAMPLES, 'wide-monthly.xlsx'), path.join(dir, 'b-wide.xlsx'));
    await writeFile(path.join(dir, 'c-gbk.csv'), Buffer.from(GB18030_CSV, 'hex'));
    await writeCsv(path.join(dir, 'd-still-writing.csv.part'), [['time', 'series', 'metric', 'value']]);

    const r = await fileDropAdapter.run(s, adapterCtx(db.pool, clock, { dropDir: drop }));
    expect(r.rejected).toEqual([]);
    expect(r.batches.map((b) => [b.received, b.inserted, b.refused])).toEqual([
      [8, 8, 0],
      [5, 5, 0],
      [1, 1, 0],
    ]);
    const processed = await readdir(path.join(dir, 'processed', '2024-06'));
    expect(processed.sort()).toEqual(
      r.batches.map((b, i) => `${b.batchId}-${['a-long.csv', 'b-wide.xlsx', 'c-gbk.csv'][i]}`).sort(),
    );
    expect((await readdir(dir)).filter((n) => !n.startsWith('.')).sort()).toEqual([
      'd-still-writing.csv.part',
      'processed',
    ]);
    const { rows } = await db.pool.query<{ value: number }>(
      `SELECT value FROM measurement WHERE series_id = 'st_beiyuan_1' AND metric_id = 'pm25' AND ts = '2024-03-02T00:00:00Z'`,
    );
    expect(rows).toEqual([{ value: 40 }]); // GB18030 decoded, zone from the header, 细颗粒物 = pm25
  });

  it('moves a file it cannot read to failed/ with the reason, as a failed batch', async () => {
    const s = source('broken');
    const dir = path.join(drop, 'broken');
    await mkdir(dir, { recursive: true });
    await writeCsv(path.join(dir, 'no-header.csv'), [
      ['when', 'where', 'what'],
      ['2024-03-01', 'x', '1'],
    ]);
    const r = await fileDropAdapter.run(s, adapterCtx(db.pool, clock, { dropDir: drop }));
    expect(r.batches).toEqual([]);
    expect(r.rejected).toHaveLength(1);
    const { batchId, error } = r.rejected[0]!;
    expect(error).toMatch(/format not recognised/);
    expect(await batchState(db.pool, batchId)).toMatchObject({ status: 'failed' });
    const failed = await readdir(path.join(dir, 'failed'));
    expect(failed.sort()).toEqual([`${batchId}-no-header.csv`, `${batchId}-no-header.csv.error.txt`]);
    expect(await readFile(path.join(dir, 'failed', `${batchId}-no-header.csv.error.txt`), 'utf8')).toMatch(
      /no-header\.csv/,
    );
  });

  it('fails the batch of a file whose declared format does not match, keeping what it says', async () => {
    const s = source('declared', ', format: long');
    const dir = path.join(drop, 'declared');
    await mkdir(dir, { recursive: true });
    await writeXlsx(path.join(dir, 'wide-as-long.xlsx'), [
      {
        name: 'S',
        rows: [
          ['街道乡镇', '降尘量'],
          ['北苑街道', 5],
        ],
      },
    ]);
    const r = await fileDropAdapter.run(s, adapterCtx(db.pool, clock, { dropDir: drop }));
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]!.error).toMatch(/missing time/);
    expect(await batchState(db.pool, r.rejected[0]!.batchId)).toMatchObject({
      status: 'failed',
      received: 0,
    });
  });

  it('never ingests a file twice when two workers run the same source at once', async () => {
    const s = source('raced');
    const dir = path.join(drop, 'raced');
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < 6; i++) {
      await writeCsv(path.join(dir, `f${i}.csv`), [
        ['time', 'series', 'metric', 'value'],
        [`2024-03-03T0${i}:00:00+08:00`, 'st_xinhua_1', 'pm25', 30 + i],
      ]);
    }
    const ctx = adapterCtx(db.pool, clock, { dropDir: drop });
    const [a, b] = await Promise.all([fileDropAdapter.run(s, ctx), fileDropAdapter.run(s, ctx)]);
    expect(a.batches.length + b.batches.length).toBe(6);
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ingest_batch WHERE source_id = 'raced'`,
    );
    expect(rows[0]!.n).toBe(6);
  });
});
