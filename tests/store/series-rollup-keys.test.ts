/**
 * Plain mode's layer-1 refresh by key (migration 0126): each claimed (series, metric, day) is recomputed from
 * its own rows and upserted, so what a key loses must be deleted by hand — a day whose every hour became
 * invalid, and a month left without days — or the tables would no longer equal a continuous aggregate.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestRows } from '../../services/ingest/ingest-rows.js';
import type { RawMeasurement } from '../../services/ingest/validate-measurement.js';
import { processRollupQueue } from '../../services/store/rollups.js';
import { readStorageMode } from '../../services/store/storage-mode.js';
import { ManualClock, shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from '../ingest/fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2026-12-31T12:00:00+08:00'));

function day(series: string, d: string, value: number, flags: string | null = null): RawMeasurement[] {
  return Array.from({ length: 24 }, (_, h) => ({
    time: shanghaiInstant(d, h).toISOString(),
    series,
    metric: 'pm25',
    value: value + h,
    flags,
  }));
}

async function load(rows: RawMeasurement[]): Promise<void> {
  await ingestRows(db.pool, { sourceId: 'test_rollup_keys', adapter: 'manual' }, rows, clock);
  while ((await processRollupQueue(db.pool)).keys > 0);
}

async function layerOne(series: string) {
  const { rows } = await db.pool.query<{ level: string; bucket: string; n: number; mean: number | null }>(
    `SELECT 'day' AS level, (bucket AT TIME ZONE 'Asia/Shanghai')::date::text AS bucket, n_values AS n,
            mean_value AS mean
       FROM measurement_daily WHERE series_id = $1 AND metric_id = 'pm25'
     UNION ALL
     SELECT 'month', (bucket AT TIME ZONE 'Asia/Shanghai')::date::text, n_days, mean_of_20h_days
       FROM measurement_monthly WHERE series_id = $1 AND metric_id = 'pm25'
     ORDER BY 1, 2`,
    [series],
  );
  return rows;
}

describe('plain-mode layer-1 refresh by key', () => {
  let plain = true;
  beforeAll(async () => {
    plain = (await readStorageMode(db.pool)) === 'plain';
    await seedRealReference(db.pool);
  });

  it('updates a revised day and its month, and leaves the other days as they were', async () => {
    if (!plain) return;
    await load([...day('st_beiyuan_1', '2025-03-30', 10), ...day('st_beiyuan_1', '2025-03-31', 20)]);
    await load(day('st_beiyuan_1', '2025-03-31', 40));
    expect(await layerOne('st_beiyuan_1')).toEqual([
      { level: 'day', bucket: '2025-03-30', n: 24, mean: 21.5 },
      { level: 'day', bucket: '2025-03-31', n: 24, mean: 51.5 },
      { level: 'month', bucket: '2025-03-01', n: 2, mean: 36.5 },
    ]);
  });

  it('deletes a day whose every hour became invalid, and a month left without days', async () => {
    if (!plain) return;
    await load([...day('st_ronghua_1', '2025-04-30', 10), ...day('st_ronghua_1', '2025-05-01', 20)]);
    await load(day('st_ronghua_1', '2025-05-01', 20, '无效'));
    expect(await layerOne('st_ronghua_1')).toEqual([
      { level: 'day', bucket: '2025-04-30', n: 24, mean: 21.5 },
      { level: 'month', bucket: '2025-04-01', n: 1, mean: 21.5 },
    ]);
    const { rows } = await db.pool.query(
      `SELECT 1 FROM scope_daily WHERE scope_id = 'ronghua' AND metric_id = 'pm25' AND day = '2025-05-01'`,
    );
    expect(rows).toEqual([]);
  });

  it('refuses key arrays of different lengths, naming what it expected', async () => {
    if (!plain) return;
    await expect(
      db.pool.query(`SELECT envwatch_refresh_series_rollup_keys($1, $2, $3)`, [
        ['st_beiyuan_1', 'st_ronghua_1'],
        ['pm25'],
        ['2025-03-31', '2025-03-31'],
      ]),
    ).rejects.toThrow('2 series, 1 metrics and 2 days; expected one of each per key');
  });
});
