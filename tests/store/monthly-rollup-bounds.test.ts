/**
 * Issue #19 item 1: plain mode recomputes a series' month over the whole Shanghai month. Migration 0003 added
 * one month to the Shanghai month start in the session time zone (UTC), so a refresh touching the last days of
 * March left out 30 and 31 March (and 31 May, July, October, December). A daily feed refreshes month by
 * month, so the year is loaded one month at a time, as a feed would deliver it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestRows } from '../../services/ingest/ingest-rows.js';
import type { RawMeasurement } from '../../services/ingest/validate-measurement.js';
import { processRollupQueue } from '../../services/store/rollups.js';
import {
  ManualClock,
  daysInMonth,
  enumerateDays,
  monthEndDay,
  shanghaiInstant,
} from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from '../ingest/fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-12-31T23:00:00+08:00'));
const MONTHS = Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`);

/** 20 hourly PM2.5 values on each day of the month; the value of a day is its day of the month. */
function month(m: string): RawMeasurement[] {
  return enumerateDays(`${m}-01`, monthEndDay(m)).flatMap((day) =>
    Array.from({ length: 20 }, (_, h) => ({
      time: shanghaiInstant(day, h).toISOString(),
      series: 'st_beiyuan_1',
      metric: 'pm25',
      value: Number(day.slice(8)),
      flags: null,
    })),
  );
}

describe('plain-mode measurement_monthly covers whole Shanghai months', () => {
  beforeAll(async () => {
    await seedRealReference(db.pool);
    for (const m of MONTHS) {
      await ingestRows(db.pool, { sourceId: 'test_month_bounds', adapter: 'manual' }, month(m), clock);
      while ((await processRollupQueue(db.pool)).keys > 0);
    }
  });

  it('counts every day of each of the twelve months, the month ends included', async () => {
    const { rows } = await db.pool.query<{ month: string; n_days: number; mean: number }>(
      `SELECT to_char(bucket AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, n_days,
              mean_of_20h_days AS mean
         FROM measurement_monthly WHERE series_id = 'st_beiyuan_1' AND metric_id = 'pm25' ORDER BY bucket`,
    );
    expect(rows).toEqual(
      MONTHS.map((m) => {
        const n = daysInMonth(2024, Number(m.slice(5)));
        return { month: m, n_days: n, mean: (n + 1) / 2 };
      }),
    );
  });
});
