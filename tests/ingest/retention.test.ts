/**
 * Rows older than the raw-data retention window are refused (BEYOND_RETENTION) on every route: their partition
 * or chunk is dropped, and a day's rollups recomputed from one late row would replace the means kept from the
 * full data. The window is the one applyStoragePolicies last recorded (migration 0052). It is 200 days, valid in
 * both storage modes (TimescaleDB refuses windows shorter than its aggregates' 151-day refresh reach), so the
 * file runs unchanged when DATABASE_URL names a TimescaleDB server.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bulkIngest } from '../../services/ingest/bulk-load.js';
import { readLongFileChunks } from '../../services/ingest/formats/long-format.js';
import { ingestRows } from '../../services/ingest/ingest-rows.js';
import { applyStoragePolicies } from '../../services/store/storage-policies.js';
import { readRawRetentionDays } from '../../services/store/storage-mode.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { refusedCodes, seedRealReference, useTempDir, writeCsv } from './fixtures.js';

const db = useTestDatabase();
const tempDir = useTempDir();
// 200 days before 2024-05-01 12:00 (+08:00) is 2023-10-14 12:00 (+08:00).
const WINDOW = { RAW_RETENTION_DAYS: 200, COMPRESS_AFTER_DAYS: 120 };
const now = new Date('2024-05-01T12:00:00+08:00');
const clock = new ManualClock(now);
const row = (time: string, value: number) => ({ time, series: 'st_beiyuan_1', metric: 'pm25', value });

beforeAll(async () => {
  await seedRealReference(db.pool);
});

afterEach(async () => {
  await applyStoragePolicies(db.pool, { RAW_RETENTION_DAYS: 0, COMPRESS_AFTER_DAYS: 120 }, now);
});

describe('raw-data retention at ingest', () => {
  it('records the window the policies apply', async () => {
    expect(await readRawRetentionDays(db.pool)).toBe(0);
    await applyStoragePolicies(db.pool, WINDOW, now);
    expect(await readRawRetentionDays(db.pool)).toBe(200);
  });

  it('refuses a row older than the window and loads the rest of the batch (steady path)', async () => {
    await applyStoragePolicies(db.pool, WINDOW, now);
    const r = await ingestRows(
      db.pool,
      { sourceId: 'test_retention', adapter: 'manual' },
      [
        row('2023-10-14T11:00:00+08:00', 41), // an hour before the window starts
        row('2023-10-14T12:00:00+08:00', 42), // the first hour inside it
        row('2024-04-30T08:00:00+08:00', 43),
      ],
      clock,
    );
    expect(r).toMatchObject({ received: 3, inserted: 2, refused: 1 });
    expect(r.refusals.map((x) => x.code)).toEqual(['BEYOND_RETENTION']);
    expect(r.refusals[0]!.detail).toContain('200 days');
  });

  it('accepts the same old row when raw data is kept (retention 0)', async () => {
    const r = await ingestRows(
      db.pool,
      { sourceId: 'test_retention', adapter: 'manual' },
      [row('2023-01-05T08:00:00+08:00', 40)],
      clock,
    );
    expect(r).toMatchObject({ inserted: 1, refused: 0 });
  });

  it('refuses the same way on the bulk path', async () => {
    await applyStoragePolicies(db.pool, WINDOW, now);
    const file = await writeCsv(`${tempDir()}/old-and-new.csv`, [
      ['time', 'series', 'metric', 'value'],
      ['2023-09-10T08:00:00+08:00', 'st_beiyuan_1', 'pm25', '50'],
      ['2024-04-10T08:00:00+08:00', 'st_beiyuan_1', 'pm25', '51'],
    ]);
    const r = await bulkIngest(
      db.pool,
      { sourceId: 'test_retention_bulk', adapter: 'bulk' },
      () => readLongFileChunks(file),
      clock,
    );
    expect(r).toMatchObject({ received: 2, inserted: 1, refused: 1 });
    expect(await refusedCodes(db.pool, r.batchId)).toEqual(['BEYOND_RETENTION']);
  });
});
