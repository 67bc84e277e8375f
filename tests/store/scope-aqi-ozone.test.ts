/**
 * The ozone statistics behind the daily AQI (HJ 663 daily maximum 8-hour mean, daily maximum hourly mean):
 * readOzoneStats against the plain SQL definition it replaced, on stations with gaps, invalid hours, a
 * value off the hour and touched days in several runs; and the window rule on its own.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../../services/db/queryable.js';
import {
  ensurePartitionsFor,
  upsertMeasurements,
  type MeasurementRow,
} from '../../services/store/measurement-queries.js';
import { ozoneDayStats, readOzoneStats, type OzoneRow } from '../../services/store/scope-aqi.js';
import { addDays, enumerateDays, shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from '../ingest/fixtures.js';

const db = useTestDatabase();

/** The statistics as first written: every hour joined to every 8-hour window of its day. */
const DEFINITION = `
  WITH hourly AS (
    SELECT k.scope_id, k.day, m.ts, avg(m.value) AS v, k.day::timestamp AT TIME ZONE 'Asia/Shanghai' AS day_start
      FROM rollup_aqi_days k
      JOIN scope_series ss ON ss.scope_id = k.scope_id
      JOIN measurement m ON m.series_id = ss.series_id AND m.metric_id = 'o3'
       AND m.ts >= k.day::timestamp AT TIME ZONE 'Asia/Shanghai'
       AND m.ts < (k.day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
       AND NOT ('invalid' = ANY (m.flags))
     GROUP BY k.scope_id, k.day, m.ts
  ),
  windows AS (
    SELECT h.scope_id, h.day, w.start_hour, avg(h.v) AS mean8, count(*) AS n
      FROM hourly h
      JOIN generate_series(0, 16) AS w(start_hour)
        ON h.ts >= h.day_start + make_interval(hours => w.start_hour)
       AND h.ts < h.day_start + make_interval(hours => w.start_hour + 8)
     GROUP BY h.scope_id, h.day, w.start_hour
  )
  SELECT d.scope_id, d.day::text AS day,
         (SELECT max(mean8) FROM windows w WHERE w.scope_id = d.scope_id AND w.day = d.day AND w.n >= 6) AS o3_8h,
         (SELECT count(*) FROM windows w WHERE w.scope_id = d.scope_id AND w.day = d.day AND w.n >= 6)::int AS n_windows,
         max(d.v) AS o3_1h, count(*)::int AS n_hours
    FROM hourly d
   GROUP BY d.scope_id, d.day`;

const STATIONS = ['st_beiyuan_1', 'st_beiyuan_2', 'st_beiyuan_3'];
const DAYS = enumerateDays('2025-12-28', '2026-01-03'); // across a month and a year end

/** A deterministic, uneven ozone series: each station misses some hours, some hours are flagged invalid. */
function ozoneRows(): MeasurementRow[] {
  const rows: MeasurementRow[] = [];
  STATIONS.forEach((station, s) => {
    DAYS.forEach((day, d) => {
      for (let h = 0; h < 24; h++) {
        const k = s * 31 + d * 7 + h;
        if (k % (5 + s) === 0 || (d === 2 && s === 0 && h > 9)) continue; // gaps; one station's afternoon off
        rows.push({
          ts: shanghaiInstant(day, h),
          seriesId: station,
          metricId: 'o3',
          value: 40 + ((k * 37) % 150) + s * 0.1,
          flags: k % 11 === 0 ? ['invalid'] : [],
          dataVersion: 0,
        });
      }
    });
  });
  // A value off the hour (10:30) counts as one more hourly value of the 10-hour window slots.
  rows.push({
    ts: new Date(shanghaiInstant(DAYS[1]!, 10).getTime() + 30 * 60_000),
    seriesId: 'st_beiyuan_1',
    metricId: 'o3',
    value: 210,
    dataVersion: 0,
  });
  return rows;
}

function byKey(rows: OzoneRow[]): OzoneRow[] {
  return [...rows].sort((a, b) => `${a.scope_id}|${a.day}`.localeCompare(`${b.scope_id}|${b.day}`));
}

describe('ozone statistics for the daily AQI', () => {
  beforeAll(async () => {
    await seedRealReference(db.pool);
    for (const id of STATIONS.slice(1)) {
      await db.pool.query(
        `INSERT INTO site (id, kind, name_zh, name_en, district_id, area_id)
         VALUES ($1, 'air_station', $1, $1, 'tongzhou', 'beiyuan')`,
        [id],
      );
    }
    await ensurePartitionsFor(db.pool, shanghaiInstant(DAYS[0]!), shanghaiInstant(addDays(DAYS.at(-1)!, 1)));
    await upsertMeasurements(db.pool, ozoneRows(), { sourceId: 'test_ozone', batchId: null });
  });

  it('gives the same statistics as the plain SQL definition, for scattered days of a street and its district', async () => {
    // Two runs for the street (and a lone day), one run for the district, plus a day without data.
    const keys = [
      ...['2025-12-28', '2025-12-29', '2025-12-30', '2026-01-01', '2026-01-02'].map((d) => ['beiyuan', d]),
      ...DAYS.slice(1, 6).map((d) => ['tongzhou', d]),
      ['tongzhou', '2026-02-01'],
    ];
    const [mine, reference] = await withTransaction(db.pool, async (tx) => {
      await tx.query(
        `CREATE TEMP TABLE rollup_aqi_days ON COMMIT DROP AS
           SELECT * FROM unnest($1::text[], $2::date[]) AS k(scope_id, day)`,
        [keys.map((k) => k[0]), keys.map((k) => k[1])],
      );
      return [await readOzoneStats(tx), (await tx.query<OzoneRow>(DEFINITION)).rows];
    });

    expect(reference).toHaveLength(10);
    expect(mine).toHaveLength(reference.length);
    const expected = byKey(reference);
    byKey(mine).forEach((row, i) => {
      const ref = expected[i]!;
      expect({ ...row, o3_8h: null, o3_1h: null }).toEqual({ ...ref, o3_8h: null, o3_1h: null });
      // Means may differ in the last bit only (the order in which PostgreSQL sums is not defined).
      for (const field of ['o3_8h', 'o3_1h'] as const) {
        if (ref[field] === null) expect(row[field]).toBeNull();
        else expect(row[field]).toBeCloseTo(ref[field], 9);
      }
    });
  });

  it('counts an 8-hour window that starts on a missing hour when 6 of its hours have values', () => {
    // Values at 01:00-06:00 only: the windows starting at 00:00 and 01:00 hold all six.
    const stats = ozoneDayStats([1, 2, 3, 4, 5, 6], [100, 110, 120, 130, 140, 150]);
    expect(stats).toEqual({ o3_8h: 125, n_windows: 2, o3_1h: 150, n_hours: 6 });
  });

  it('takes the windows ending at 08:00 through 24:00 and nothing with fewer than 6 values', () => {
    const hours = Array.from({ length: 24 }, (_, h) => h);
    const values = hours.map((h) => (h >= 16 ? 200 : 100));
    expect(ozoneDayStats(hours, values)).toEqual({ o3_8h: 200, n_windows: 17, o3_1h: 200, n_hours: 24 });
    expect(ozoneDayStats([0, 1, 2, 3, 4], [1, 2, 3, 4, 5])).toEqual({
      o3_8h: null,
      n_windows: 0,
      o3_1h: 5,
      n_hours: 5,
    });
  });
});
