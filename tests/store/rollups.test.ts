import { beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../services/ingest/formats/deliveries.js';
import { ingestRows } from '../../services/ingest/ingest-rows.js';
import type { RawMeasurement } from '../../services/ingest/validate-measurement.js';
import { countHeavyPollutionDays } from '../../services/store/heavy-pollution-days.js';
import { processRollupQueue } from '../../services/store/rollups.js';
import { listScopeHourly } from '../../services/store/scope-hourly.js';
import { ManualClock, enumerateDays, shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference, useTempDir, writeCsv } from '../ingest/fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2026-12-31T12:00:00+08:00'));
const tempDir = useTempDir();

/** `n` hourly values of a Shanghai day, from 00:00. */
function hours(
  series: string,
  metric: string,
  day: string,
  n: number,
  value: number | ((h: number) => number),
  flags?: string,
): RawMeasurement[] {
  return Array.from({ length: n }, (_, h) => ({
    time: shanghaiInstant(day, h).toISOString(),
    series,
    metric,
    value: typeof value === 'number' ? value : value(h),
    flags: flags ?? null,
  }));
}

async function load(rows: RawMeasurement[]): Promise<void> {
  await ingestRows(db.pool, { sourceId: 'test_rollups', adapter: 'manual' }, rows, clock);
  while ((await processRollupQueue(db.pool)).keys > 0);
}

async function daily(scope: string, metric: string, day: string) {
  const { rows } = await db.pool.query<{ value: number | null; valid: boolean; n_valid_series: number }>(
    `SELECT value, valid, n_valid_series FROM scope_daily WHERE scope_id = $1 AND metric_id = $2 AND day = $3`,
    [scope, metric, day],
  );
  return rows[0];
}

async function aqi(scope: string, day: string) {
  const { rows } = await db.pool.query<{
    aqi: number;
    level: number;
    standard: string;
    iaqi: Record<string, number>;
  }>(`SELECT aqi, level, standard, iaqi FROM scope_daily_aqi WHERE scope_id = $1 AND day = $2`, [scope, day]);
  return rows[0];
}

describe('derived series', () => {
  beforeAll(async () => {
    await seedRealReference(db.pool);
  });
  it('a daily mean from 19 valid hours is invalid', async () => {
    await load(hours('st_beiyuan_1', 'pm25', '2025-01-10', 19, 40));
    expect(await daily('beiyuan', 'pm25', '2025-01-10')).toMatchObject({
      value: null,
      valid: false,
      n_valid_series: 0,
    });
  });

  it('a daily mean from 20 valid hours is valid', async () => {
    await load(hours('st_beiyuan_1', 'pm25', '2025-01-10', 20, (h) => 30 + h));
    const d = await daily('beiyuan', 'pm25', '2025-01-10');
    expect(d).toMatchObject({ valid: true, n_valid_series: 1 });
    expect(d!.value).toBeCloseTo(39.5, 9);
  });

  it('an hour flagged invalid is kept but does not count toward the 20 hours', async () => {
    await load([
      ...hours('st_beiyuan_1', 'pm25', '2025-01-11', 19, 40),
      ...hours('st_beiyuan_1', 'pm25', '2025-01-11', 20, 40, '无效').slice(19),
    ]);
    expect(await daily('beiyuan', 'pm25', '2025-01-11')).toMatchObject({ valid: false });
    const { rows } = await db.pool.query(`SELECT flags FROM measurement WHERE 'invalid' = ANY (flags)`);
    expect(rows).toHaveLength(1);
  });

  it('a February mean needs 25 valid days and another month 27', async () => {
    // 2024: a leap February still needs 25 (GB 3095 表4 does not distinguish).
    const feb = enumerateDays('2024-02-01', '2024-02-25').flatMap((d) =>
      hours('st_beiyuan_1', 'pm25', d, 20, 50),
    );
    const mar = enumerateDays('2024-03-01', '2024-03-26').flatMap((d) =>
      hours('st_beiyuan_1', 'pm25', d, 20, 50),
    );
    await load([...feb, ...mar]);
    const { rows } = await db.pool.query<{
      month: string;
      valid: boolean;
      n_valid_days: number;
      value: number | null;
    }>(
      `SELECT month::text, valid, n_valid_days, value FROM scope_monthly WHERE scope_id = 'beiyuan' AND metric_id = 'pm25' AND month < '2025-01-01' ORDER BY month`,
    );
    expect(rows).toEqual([
      { month: '2024-02-01', valid: true, n_valid_days: 25, value: 50 },
      { month: '2024-03-01', valid: false, n_valid_days: 26, value: null },
    ]);
  });

  it('a day at 70 µg/m³ PM2.5 is 良 under HJ 633-2012 (2025) and 轻度污染 under HJ 633-2026', async () => {
    await load([
      ...hours('st_beiyuan_1', 'pm25', '2025-06-10', 24, 70),
      ...hours('st_beiyuan_1', 'pm25', '2026-06-10', 24, 70),
    ]);
    expect(await aqi('beiyuan', '2025-06-10')).toMatchObject({ aqi: 94, level: 2, standard: 'HJ633-2012' });
    expect(await aqi('beiyuan', '2026-06-10')).toMatchObject({ aqi: 110, level: 3, standard: 'HJ633-2026' });
  });

  it('a day at 151 µg/m³ PM2.5 is a heavy-pollution day unless a sand-dust period covers it', async () => {
    await load([
      ...hours('st_beiyuan_1', 'pm25', '2025-03-15', 24, 151),
      ...hours('st_beiyuan_1', 'pm25', '2025-03-20', 24, 151),
    ]);
    expect(await aqi('beiyuan', '2025-03-15')).toMatchObject({ aqi: 201, level: 5 });
    await db.pool.query(
      `INSERT INTO sand_dust_period (starts_at, ends_at, district_id, source) VALUES ($1, $2, 'tongzhou', '市监测中心')`,
      [new Date('2025-03-15T06:00:00+08:00'), new Date('2025-03-15T20:00:00+08:00')],
    );
    const r = await countHeavyPollutionDays(db.pool, {
      scopeId: 'beiyuan',
      from: '2025-03-01',
      to: '2025-03-31',
    });
    expect(r).toMatchObject({ count: 2, countExcludingSandDust: 1, sandDustDays: 1 });
    expect(r.days.map((d) => [d.day, d.sandDust])).toEqual([
      ['2025-03-15', true],
      ['2025-03-20', false],
    ]);
    const district = await countHeavyPollutionDays(db.pool, {
      scopeId: 'tongzhou',
      from: '2025-03-01',
      to: '2025-03-31',
    });
    expect(district).toMatchObject({ count: 2, countExcludingSandDust: 1 });
  });

  it('derives the daily maximum 8-hour ozone for the AQI', async () => {
    // 200 µg/m³ all day: every 8-hour window is 200; HJ 633-2012 O3 8h: 160→100, 215→150 → IAQI 137.
    await load([
      ...hours('st_beiyuan_1', 'o3', '2025-07-01', 24, 200),
      ...hours('st_beiyuan_1', 'pm25', '2025-07-01', 24, 20),
    ]);
    const a = await aqi('beiyuan', '2025-07-01');
    expect(a!.iaqi).toMatchObject({ o3_8h: 137, pm25: 29 });
    expect(a).toMatchObject({ aqi: 137, level: 3 });
  });

  it('averages the stations of a street/town hour by hour', async () => {
    await db.pool.query(
      `INSERT INTO site (id, kind, name_zh, name_en, district_id, area_id) VALUES ('st_beiyuan_2', 'air_station', '北苑2', 'Beiyuan 2', 'tongzhou', 'beiyuan')`,
    );
    await load([
      ...hours('st_beiyuan_1', 'pm25', '2025-01-12', 2, 40),
      ...hours('st_beiyuan_2', 'pm25', '2025-01-12', 1, 60),
    ]);
    const h = await listScopeHourly(db.pool, {
      scopeId: 'beiyuan',
      metricId: 'pm25',
      from: shanghaiInstant('2025-01-12'),
      to: shanghaiInstant('2025-01-13'),
    });
    expect(h.map((x) => [x.value, x.nSeries])).toEqual([
      [50, 2],
      [40, 1],
    ]);
    await db.pool.query(`DELETE FROM site WHERE id = 'st_beiyuan_2'`);
  });

  it('classifies a water section per sample and per month by the single-factor rule', async () => {
    const file = await writeCsv(`${tempDir()}/water.csv`, [
      ['time', 'series', 'metric', 'value', 'unit'],
      ['2025-05-06T10:00:00+08:00', 'chaobaihe_wucun', 'nh3n', '1.8', 'mg/L'],
      ['2025-05-06T10:00:00+08:00', 'chaobaihe_wucun', 'cod', '25', 'mg/L'],
      ['2025-05-06T10:00:00+08:00', 'chaobaihe_wucun', 'do', '6.2', 'mg/L'],
      ['2025-05-20T10:00:00+08:00', 'chaobaihe_wucun', 'nh3n', '0.4', 'mg/L'],
      ['2025-05-20T10:00:00+08:00', 'chaobaihe_wucun', 'cod', '14', 'mg/L'],
      ['2025-05-20T10:00:00+08:00', 'chaobaihe_wucun', 'do', '7.8', 'mg/L'],
    ]);
    await ingestFile(db.pool, { sourceId: 'test_water', adapter: 'manual' }, file, 'long', clock);
    while ((await processRollupQueue(db.pool)).keys > 0);
    const { rows } = await db.pool.query<{
      period_kind: string;
      water_class: number;
      deciding_parameters: string[];
      main_pollutants: { param: string }[];
      n_samples: number;
      parameter_values: Record<string, number>;
    }>(
      `SELECT period_kind, water_class, deciding_parameters, main_pollutants, n_samples, parameter_values
         FROM water_section_class WHERE site_id = 'chaobaihe_wucun' ORDER BY period_kind, period_start`,
    );
    expect(rows.map((r) => [r.period_kind, r.water_class, r.deciding_parameters])).toEqual([
      ['month', 4, ['nh3n']], // monthly means: NH3-N 1.1 (Ⅳ), COD 19.5 (Ⅲ), DO 7.0 (Ⅱ)
      ['sample', 5, ['nh3n']],
      ['sample', 2, ['nh3n']],
    ]);
    expect(rows[1]!.main_pollutants.map((p) => p.param)).toEqual(['nh3n', 'cod']);
    expect(rows[0]).toMatchObject({ n_samples: 2 });
    expect(rows[0]!.parameter_values.nh3n).toBeCloseTo(1.1, 9);
  });
});
