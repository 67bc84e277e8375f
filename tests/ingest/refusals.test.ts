import { beforeAll, describe, expect, it } from 'vitest';
import { ingestRows } from '../../services/ingest/ingest-rows.js';
import type { RawMeasurement } from '../../services/ingest/validate-measurement.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { batchState, seedRealReference } from './fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-03-10T12:00:00+08:00'));
const T = '2024-03-01T08:00:00+08:00';
const ok = (over: Partial<RawMeasurement> = {}): RawMeasurement => ({
  time: T,
  series: 'st_beiyuan_1',
  metric: 'pm25',
  value: '48',
  ...over,
});

/** One bad row per refusal reason the measurement validator has, each next to its expected code. */
const CASES: [string, RawMeasurement][] = [
  ['MISSING_FIELD', ok({ value: '' })],
  ['BAD_TIMESTAMP', ok({ time: 'yesterday 8am' })],
  ['MISSING_TIMEZONE', ok({ time: '2024-03-01 09:00' })],
  ['FUTURE_TIMESTAMP', ok({ time: '2024-03-11T08:00:00+08:00' })],
  ['MISALIGNED_TIMESTAMP', ok({ time: '2024-03-01T08:30:00+08:00' })],
  ['UNKNOWN_SERIES', ok({ series: '不存在的站点' })],
  // 潞邑街道 first appears in the 2021 plan (001:35): no 2020 value can belong to it.
  ['SERIES_NOT_VALID_THEN', ok({ series: '潞邑街道', metric: 'dust_fall', time: '2020-05', value: '5' })],
  ['UNKNOWN_METRIC', ok({ metric: 'pm99' })],
  ['METRIC_NOT_FOR_SERIES', ok({ metric: 'nh3n', value: '0.5' })],
  ['UNIT_NOT_ACCEPTED', ok({ unit: 'ppm' })],
  ['NOT_A_NUMBER', ok({ value: 'NaN', time: '2024-03-01T10:00:00+08:00' })],
  ['NEGATIVE_VALUE', ok({ value: '-3', time: '2024-03-01T11:00:00+08:00' })],
  ['IMPLAUSIBLE_VALUE', ok({ value: '5000', time: '2024-03-01T12:00:00+08:00' })],
  ['BAD_VERSION', ok({ version: 'maybe', time: '2024-03-01T13:00:00+08:00' })],
];

describe('validation and quarantine (steady path)', () => {
  beforeAll(async () => {
    await seedRealReference(db.pool);
  });

  it('refuses each bad row with its reason code while the good rows of the batch load, counts adding up', async () => {
    const good = [ok(), ok({ time: '2024-03-01T09:00:00+08:00', series: '北苑街道示例空气站1' })];
    const rows = [...good, ...CASES.map(([, raw]) => raw), ok()]; // the last one repeats the first
    const r = await ingestRows(db.pool, { sourceId: 'test_refusals', adapter: 'manual' }, rows, clock);

    expect(r).toMatchObject({
      received: rows.length,
      inserted: 2,
      updated: 0,
      unchanged: 0,
      refused: CASES.length + 1,
    });
    expect(await batchState(db.pool, r.batchId)).toMatchObject({
      status: 'done',
      received: rows.length,
      refused: CASES.length + 1,
    });
    const { rows: refused } = await db.pool.query<{
      row_number: number;
      reason_code: string;
      raw: RawMeasurement;
      status: string;
    }>(
      `SELECT row_number, reason_code, raw, status FROM refused_row WHERE batch_id = $1 ORDER BY row_number`,
      [r.batchId],
    );
    expect(refused.map((x) => x.reason_code)).toEqual([...CASES.map(([code]) => code), 'DUPLICATE_IN_BATCH']);
    // The raw content is kept as received, row numbers point into the delivery, every refusal is open.
    expect(refused[0]).toMatchObject({
      row_number: 3,
      raw: { value: '', series: 'st_beiyuan_1' },
      status: 'open',
    });
    expect(refused.every((x) => x.status === 'open')).toBe(true);
  });

  it('converts mg/m³ to the canonical µg/m³ and resolves a station by its Chinese name', async () => {
    const r = await ingestRows(
      db.pool,
      { sourceId: 'test_units', adapter: 'manual' },
      [
        ok({
          time: '2024-03-02T08:00:00+08:00',
          series: '北苑街道示例空气站1',
          value: 0.0482,
          unit: 'mg/m³',
        }),
      ],
      clock,
    );
    expect(r.inserted).toBe(1);
    const { rows } = await db.pool.query<{ series_id: string; value: number }>(
      `SELECT series_id, value FROM measurement WHERE batch_id = $1`,
      [r.batchId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.series_id).toBe('st_beiyuan_1');
    expect(rows[0]!.value).toBeCloseTo(48.2, 9);
  });

  it('reads a zone-less time in the zone the delivery declares', async () => {
    const r = await ingestRows(
      db.pool,
      { sourceId: 'test_zone', adapter: 'manual' },
      [ok({ time: '2024-03-03 08:00', zone: '+08:00' })],
      clock,
    );
    expect(r.inserted).toBe(1);
    const { rows } = await db.pool.query<{ ts: Date }>(`SELECT ts FROM measurement WHERE batch_id = $1`, [
      r.batchId,
    ]);
    expect(rows[0]!.ts.toISOString()).toBe('2024-03-03T00:00:00.000Z');
  });

  it('refuses a monthly table value for an hourly metric instead of storing it as one hour', async () => {
    const r = await ingestRows(
      db.pool,
      { sourceId: 'test_monthly_pm', adapter: 'manual' },
      [ok({ time: '2024-02', series: '北苑街道', value: '41' })],
      clock,
    );
    expect(r.refusals.map((x) => x.code)).toEqual(['MISALIGNED_TIMESTAMP']);
  });
});
