import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectFormat, ingestFile } from '../../services/ingest/formats/deliveries.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { EXAMPLES, batchState, seedRealReference } from './fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-06-01T12:00:00+08:00'));

/** Every shipped example: the format its header says, and how many records it holds (none refused). */
const SHIPPED: [file: string, format: string, records: number][] = [
  ['long-hourly.csv', 'long', 8],
  ['long-hourly.xlsx', 'long', 4],
  ['water-samples.csv', 'long', 9],
  ['wide-monthly.csv', 'wide', 11],
  ['wide-monthly.xlsx', 'wide', 5],
  ['city-ranking.csv', 'city_ranking', 7],
  ['city-ranking.xlsx', 'city_ranking', 3],
  ['sand-dust.csv', 'sand_dust', 2],
  ['warnings.csv', 'warning', 2],
];

describe('the shipped example files', () => {
  beforeAll(async () => {
    await seedRealReference(db.pool);
  });

  it.each(SHIPPED)('%s is detected as %s and ingests every record', async (file, format, records) => {
    const full = path.join(EXAMPLES, file);
    const detected = await detectFormat(full);
    expect(detected).toBe(format);
    const r = await ingestFile(
      db.pool,
      { sourceId: 'examples', adapter: 'manual', origin: file },
      full,
      detected,
      clock,
    );
    expect(r.refusals).toEqual([]);
    expect(r).toMatchObject({ received: records, inserted: records, refused: 0 });
    expect(await batchState(db.pool, r.batchId)).toMatchObject({
      status: 'done',
      received: records,
      inserted: records,
    });
  });

  it('reads the Excel long table in the zone its header declares', async () => {
    const { rows } = await db.pool.query<{
      ts: Date;
      metric_id: string;
      value: number;
      data_version: number;
    }>(
      `SELECT ts, metric_id, value, data_version FROM measurement
        WHERE series_id = 'st_beiyuan_1' AND ts >= '2024-03-01T02:00:00Z' AND ts < '2024-03-01T04:00:00Z' ORDER BY ts, metric_id`,
    );
    expect(rows.map((r) => [r.ts.toISOString(), r.metric_id, r.value, r.data_version])).toEqual([
      ['2024-03-01T02:00:00.000Z', 'co', 0.7, 0],
      ['2024-03-01T02:00:00.000Z', 'pm25', 46.1, 0],
      ['2024-03-01T03:00:00.000Z', 'pm25', 44, 1],
    ]);
  });

  it('stores a wide table cell under its street/town, month and metric in the canonical unit', async () => {
    const { rows } = await db.pool.query<{ series_id: string; metric_id: string; value: number; ts: Date }>(
      `SELECT series_id, metric_id, value, ts FROM measurement WHERE series_id = 'yujiawu' ORDER BY metric_id`,
    );
    expect(rows.map((r) => [r.metric_id, r.value])).toEqual([
      ['dust_fall', 5.9],
      ['road_dust_load', 0.66],
      ['uncontrolled_bare_land_area', 82000],
    ]);
    expect(rows[0]!.ts.toISOString()).toBe('2024-02-29T16:00:00.000Z'); // Shanghai midnight, 1 March
  });
});
