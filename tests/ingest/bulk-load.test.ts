import { beforeAll, describe, expect, it } from 'vitest';
import { bulkIngest } from '../../services/ingest/bulk-load.js';
import { ingestFile } from '../../services/ingest/formats/deliveries.js';
import { readLongFileChunks } from '../../services/ingest/formats/long-format.js';
import { ingestRows } from '../../services/ingest/ingest-rows.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { batchState, refusedCodes, seedRealReference, useTempDir, writeCsv } from './fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-04-01T12:00:00+08:00'));
const tempDir = useTempDir();
const HEADER = ['time', 'series', 'metric', 'value', 'version'];
const t = (h: number) => `2024-03-05T${String(h).padStart(2, '0')}:00:00+08:00`;

/** Stored first: an audited 08:00 and a provisional 09:00; then a file that revises, adds, repeats and errs. */
async function mixedScenario(series: string): Promise<string> {
  await ingestRows(
    db.pool,
    { sourceId: 'before', adapter: 'manual' },
    [
      { time: t(8), series, metric: 'pm25', value: 50, version: 'audited' },
      { time: t(9), series, metric: 'pm25', value: 60 },
    ],
    clock,
  );
  return writeCsv(`${tempDir()}/mixed-${series}.csv`, [
    HEADER,
    [t(8), series, 'pm25', 55, 'provisional'], // an audited value is stored: refused, superseded
    [t(9), series, 'pm25', 61, 'audited'], // revises the provisional value
    [t(10), series, 'pm25', 40, ''],
    [t(11), series, 'pm25', 41, ''],
    [t(10), series, 'pm25', 42, ''], // the same hour again in this file
    [t(10), 'st_nowhere', 'pm25', 42, ''],
    [t(12), series, 'pm25', 'abc', ''],
  ]);
}

describe('bulk path', () => {
  beforeAll(async () => {
    await seedRealReference(db.pool);
  });

  it('refuses duplicates, superseded and invalid rows with their raw content while the rest loads, counts adding up', async () => {
    const file = await mixedScenario('st_songzhuang_1');
    const r = await bulkIngest(
      db.pool,
      { sourceId: 'bulk', adapter: 'bulk' },
      () => readLongFileChunks(file),
      clock,
    );
    expect(r).toMatchObject({
      received: 7,
      inserted: 2,
      updated: 1,
      unchanged: 0,
      refused: 4,
      path: 'staged',
    });
    expect(await batchState(db.pool, r.batchId)).toMatchObject({ status: 'done', received: 7, refused: 4 });
    expect(await refusedCodes(db.pool, r.batchId)).toEqual([
      'SUPERSEDED_BY_AUDITED',
      'DUPLICATE_IN_BATCH',
      'UNKNOWN_SERIES',
      'NOT_A_NUMBER',
    ]);
    const { rows: raws } = await db.pool.query<{ row_number: number; raw: { value: string } }>(
      `SELECT row_number, raw FROM refused_row WHERE batch_id = $1 ORDER BY row_number`,
      [r.batchId],
    );
    expect(raws.map((x) => [x.row_number, x.raw.value])).toEqual([
      [2, '55'],
      [6, '42'],
      [7, '42'],
      [8, 'abc'],
    ]);
    const { rows } = await db.pool.query(
      `SELECT to_char(ts AT TIME ZONE 'Asia/Shanghai', 'HH24') AS h, value, data_version FROM measurement
        WHERE series_id = 'st_songzhuang_1' ORDER BY ts`,
    );
    expect(rows).toEqual([
      { h: '08', value: 50, data_version: 1 },
      { h: '09', value: 61, data_version: 1 },
      { h: '10', value: 40, data_version: 0 },
      { h: '11', value: 41, data_version: 0 },
    ]);
  });

  it('judges a delivery exactly as the steady path does', async () => {
    const file = await mixedScenario('st_xiji_1');
    const steady = await ingestFile(db.pool, { sourceId: 'steady', adapter: 'manual' }, file, 'long', clock);
    expect(steady).toMatchObject({ received: 7, inserted: 2, updated: 1, unchanged: 0, refused: 4 });
    expect((await refusedCodes(db.pool, steady.batchId)).sort()).toEqual(
      ['DUPLICATE_IN_BATCH', 'NOT_A_NUMBER', 'SUPERSEDED_BY_AUDITED', 'UNKNOWN_SERIES'].sort(),
    );
  });

  it('loads new data with one plain insert and queues every day it covers for the rollups', async () => {
    const rows = [HEADER];
    for (let d = 1; d <= 3; d++)
      for (let h = 0; h < 24; h++)
        rows.push([
          `2024-02-0${d}T${String(h).padStart(2, '0')}:00:00+08:00`,
          'st_huoxian_1',
          'pm10',
          String(70 + h),
          '',
        ]);
    const file = await writeCsv(`${tempDir()}/fresh.csv`, rows);
    const r = await bulkIngest(
      db.pool,
      { sourceId: 'bulk', adapter: 'bulk' },
      () => readLongFileChunks(file),
      clock,
    );
    expect(r).toMatchObject({ received: 72, inserted: 72, refused: 0, path: 'direct' });
    const { rows: keys } = await db.pool.query(
      `SELECT day FROM rollup_queue WHERE series_id = 'st_huoxian_1' AND metric_id = 'pm10' ORDER BY day`,
    );
    expect(keys).toEqual([{ day: '2024-02-01' }, { day: '2024-02-02' }, { day: '2024-02-03' }]);
    // More keys than the stream may keep in memory: the database reads them back from the stage instead.
    await db.pool.query(`DELETE FROM measurement WHERE series_id = 'st_huoxian_1'`);
    await db.pool.query(`DELETE FROM rollup_queue`);
    const counted = await bulkIngest(
      db.pool,
      { sourceId: 'bulk', adapter: 'bulk' },
      () => readLongFileChunks(file),
      clock,
      { rollupKeysLimit: 1 },
    );
    expect(counted).toMatchObject({ received: 72, inserted: 72, refused: 0, path: 'direct' });
    const { rows: keysAgain } = await db.pool.query(
      `SELECT day FROM rollup_queue WHERE series_id = 'st_huoxian_1' AND metric_id = 'pm10' ORDER BY day`,
    );
    expect(keysAgain).toEqual(keys);
    const again = await bulkIngest(
      db.pool,
      { sourceId: 'bulk', adapter: 'bulk' },
      () => readLongFileChunks(file),
      clock,
    );
    expect(again).toMatchObject({ received: 72, inserted: 0, updated: 0, unchanged: 72, path: 'staged' });
  });

  it('falls back to the general path when new data repeats a key', async () => {
    const file = await writeCsv(`${tempDir()}/dupes.csv`, [
      HEADER,
      [t(1), 'st_yongledian_1', 'pm25', 10, ''],
      [t(2), 'st_yongledian_1', 'pm25', 11, ''],
      [t(1), 'st_yongledian_1', 'pm25', 12, ''],
    ]);
    const r = await bulkIngest(
      db.pool,
      { sourceId: 'bulk', adapter: 'bulk' },
      () => readLongFileChunks(file),
      clock,
    );
    expect(r).toMatchObject({ received: 3, inserted: 2, refused: 1, path: 'staged' });
    expect(await refusedCodes(db.pool, r.batchId)).toEqual(['DUPLICATE_IN_BATCH']);
  });

  it('COPYs new data straight into measurement, keeping flags as written and refused rows with their raw content', async () => {
    const file = await writeCsv(`${tempDir()}/direct.csv`, [
      ['time', 'series', 'metric', 'value', 'flags'],
      [t(13), 'st_taihu_1', 'pm25', '30', 'invalid'],
      [t(14), 'st_taihu_1', 'pm25', '31', 'H;say "hi"\\there'],
      [t(15), 'st_taihu_1', 'pm25', '-4', ''],
      [t(16), 'st_taihu_1', 'pm25', '33', ''],
    ]);
    const r = await bulkIngest(
      db.pool,
      { sourceId: 'bulk_direct', adapter: 'bulk' },
      () => readLongFileChunks(file),
      clock,
    );
    expect(r).toMatchObject({ received: 4, inserted: 3, updated: 0, refused: 1, path: 'direct' });
    expect(r.refusals).toEqual([expect.objectContaining({ row: 4, code: 'NEGATIVE_VALUE' })]);
    expect(await batchState(db.pool, r.batchId)).toMatchObject({ status: 'done', received: 4, refused: 1 });
    const { rows: raws } = await db.pool.query<{ row_number: number; raw: { value: string } }>(
      `SELECT row_number, raw FROM refused_row WHERE batch_id = $1`,
      [r.batchId],
    );
    expect(raws.map((x) => [x.row_number, x.raw.value])).toEqual([[4, '-4']]);
    const { rows } = await db.pool.query<{ flags: string[]; source_id: string; batch_id: number }>(
      `SELECT flags, source_id, batch_id FROM measurement WHERE series_id = 'st_taihu_1' ORDER BY ts`,
    );
    expect(rows.map((x) => x.flags)).toEqual([['invalid'], ['H', 'say "hi"\\there'], []]);
    expect(rows.every((x) => x.source_id === 'bulk_direct' && x.batch_id === r.batchId)).toBe(true);
    const { rows: keys } = await db.pool.query(
      `SELECT day FROM rollup_queue WHERE series_id = 'st_taihu_1' AND metric_id = 'pm25'`,
    );
    expect(keys).toEqual([{ day: '2024-03-05' }]);
  });

  it('takes the staged path when a later chunk reaches back before the partitions the first one needed', async () => {
    const raw = (time: string, value: number) => ({
      row: null,
      raw: { time, series: 'st_zhangjiawan_1', metric: 'pm25', value },
    });
    // Plain mode makes partitions from the first chunk's month onwards: June 2023 has none yet.
    const chunks = [[raw('2024-03-06T08:00:00+08:00', 20)], [raw('2023-06-01T08:00:00+08:00', 21)]];
    const r = await bulkIngest(
      db.pool,
      { sourceId: 'bulk_backwards', adapter: 'bulk' },
      async function* () {
        yield* chunks;
      },
      clock,
    );
    expect(r).toMatchObject({ received: 2, inserted: 2, refused: 0 });
    const mode = (await db.pool.query<{ mode: string }>('SELECT mode FROM envwatch_storage')).rows[0]!.mode;
    expect(r.path).toBe(mode === 'plain' ? 'staged' : 'direct');
    const { rows } = await db.pool.query(
      `SELECT value FROM measurement WHERE series_id = 'st_zhangjiawan_1' ORDER BY ts`,
    );
    expect(rows).toEqual([{ value: 21 }, { value: 20 }]);
  });

  it('fails the whole batch, loading nothing, when the file breaks half-way', async () => {
    const file = await writeCsv(`${tempDir()}/broken.csv`, [
      HEADER,
      [t(3), 'st_yongledian_1', 'pm25', 10, ''],
    ]);
    const { appendFile } = await import('node:fs/promises');
    await appendFile(file, `${t(4)},st_yongledian_1,pm25,"11\n`); // an unclosed quote: refused, not a break
    // The read itself fails after the rows (a disk or a network share gone).
    async function* breaking() {
      yield* readLongFileChunks(file);
      throw new Error('read error: the share went away');
    }
    const err = await bulkIngest(
      db.pool,
      { sourceId: 'bulk_broken', adapter: 'bulk' },
      () => breaking(),
      clock,
    ).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/the share went away/);
    const { rows } = await db.pool.query(`SELECT status FROM ingest_batch WHERE source_id = 'bulk_broken'`);
    expect(rows).toEqual([{ status: 'failed' }]);
    const { rows: stored } = await db.pool.query(
      `SELECT 1 FROM measurement WHERE series_id = 'st_yongledian_1' AND ts = $1`,
      [new Date(t(3))],
    );
    expect(stored).toEqual([]);
  });

  it('re-queues, on the staged path, only keys a refresh has claimed: a key already waiting is left as it is', async () => {
    // The staged upsert once re-queued without the store's `WHERE rollup_queue.claim IS NOT NULL` guard. The
    // rollups came out the same (claims were cleared either way), but every key already waiting was rewritten:
    // its queued_at moved to now and it left a dead row version behind, per key and per load.
    const day = (d: number, h: number) => `2024-03-0${d}T${String(h).padStart(2, '0')}:00:00+08:00`;
    await ingestRows(
      db.pool,
      { sourceId: 'before', adapter: 'manual' },
      [
        { time: day(6, 8), series: 'st_tongyun_1', metric: 'pm25', value: 30 },
        { time: day(7, 8), series: 'st_tongyun_1', metric: 'pm25', value: 31 },
      ],
      clock,
    );
    await db.pool.query(
      `UPDATE rollup_queue SET queued_at = '2024-03-06T00:00:00Z' WHERE series_id = 'st_tongyun_1' AND day = '2024-03-06'`,
    );
    await db.pool.query(
      `UPDATE rollup_queue SET claim = 'a-running-refresh', claimed_at = now()
        WHERE series_id = 'st_tongyun_1' AND day = '2024-03-07'`,
    );
    const queue = async () =>
      (
        await db.pool.query<{ day: string; queued_at: Date; claim: string | null; xmin: string }>(
          `SELECT day, queued_at, claim, xmin::text FROM rollup_queue WHERE series_id = 'st_tongyun_1' ORDER BY day`,
        )
      ).rows;
    const [waiting] = await queue();
    const file = await writeCsv(`${tempDir()}/requeue.csv`, [
      HEADER,
      [day(6, 8), 'st_tongyun_1', 'pm25', 32, ''], // revises a stored hour: the staged path
      [day(7, 8), 'st_tongyun_1', 'pm25', 33, ''],
    ]);
    const r = await bulkIngest(
      db.pool,
      { sourceId: 'bulk_requeue', adapter: 'bulk' },
      () => readLongFileChunks(file),
      clock,
    );
    expect(r).toMatchObject({ received: 2, updated: 2, path: 'staged' });
    expect(await queue()).toEqual([
      // Waiting: untouched, same row version.
      { day: '2024-03-06', queued_at: new Date('2024-03-06T00:00:00Z'), claim: null, xmin: waiting!.xmin },
      // Claimed by a refresh that read the old value: the claim is gone, so the key is refreshed again.
      { day: '2024-03-07', queued_at: expect.any(Date), claim: null, xmin: expect.any(String) },
    ]);
  });
});
