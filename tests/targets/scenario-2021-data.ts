/**
 * A synthetic 2020-2021 for the 2021 Tongzhou plan (config/targets/tongzhou-2021.yaml) and its 22 streets/towns,
 * written at layer 2 through the test factory (road-dust tests as raw samples). Every number is chosen so that
 * the statuses in scenario-2021.test.ts can be worked out by hand at 31 March and 31 December 2021:
 *
 * PM2.5 (µg/m³): district 2020 Q1 52, Apr–Dec 42 (annual 44.5); 2021 Q1 50, Apr–Dec 40 (15500 / 365 = 42.47).
 *   Every street/town follows the district both years, except 永乐店, 10 higher in 2021 (never improves).
 *   The mean of the 22 units is the district's + 10 / 22.
 * AQI: 80 every day; heavy (230) on 2020-01-15, 2020-11-20, 2021-02-01, 2021-12-05.
 * Dust fall (t/km²·month): 2020 5.0 everywhere; 2021 4.8 everywhere, March 9.0 (a district-wide sand-dust
 *   period 2021-03-14..16 takes March out); 潞城 5.2 in 2021.
 * City TSP ranks (of 333): 100, except 张家湾 2020 Jan, Feb, Nov, Dec at 320 and 2021 Jan, Feb at 320;
 *   马驹桥 June 2021 at 320.
 * Road dust residue (g/m²), 重点区域 tests: 5.8 (2021-02-01), 6.5 (2021-08-01); another road 9.0 (2021-05-01).
 * Water 2021: class V parameters (NH3-N 1.8) everywhere, except 后元化 NH3-N 3.5 (within its ≤ 4), 许各庄 2.4,
 *   杨洼闸 class IV, 吴村 2.2 in June only, 漷县 outflow 3.0 in July only, 玉带河 2.3 all year.
 */
import type { Queryable } from '../../services/db/queryable.js';
import { enumerateDays, shanghaiInstant } from '../../services/time/shanghai.js';
import {
  insertAqi,
  insertCityRanks,
  insertSandDust,
  insertScopeDaily,
  insertScopeMonthly,
  insertWaterMonth,
  months,
  writeMeasurements,
  type DayValue,
} from './fixtures.js';
import { NINE_SECTIONS } from './scenario-2020-data.js';
import { TONGZHOU_UNITS } from './scenario-2024-data.js';

export const OUTFLOW_2021 = ['songzhuang', 'zhangjiawan', 'majuqiao', 'xiji', 'yongledian', 'huoxian'].map(
  (t) => `ex_outflow_${t}`,
);

const series = (year: number, fn: (day: string) => number | null): DayValue[] =>
  enumerateDays(`${year}-01-01`, `${year}-12-31`).map((day) => ({ day, value: fn(day) }));

const pm2020 = (day: string) => (day < '2020-04-01' ? 52 : 42);
const pm2021 = (day: string) => (day < '2021-04-01' ? 50 : 40);

async function pm25(db: Queryable): Promise<void> {
  await insertScopeDaily(db, 'tongzhou', 'pm25', series(2020, pm2020));
  await insertScopeDaily(db, 'tongzhou', 'pm25', series(2021, pm2021));
  for (const unit of TONGZHOU_UNITS) {
    await insertScopeDaily(db, unit, 'pm25', series(2020, pm2020));
    const extra = unit === 'yongledian' ? 10 : 0;
    await insertScopeDaily(
      db,
      unit,
      'pm25',
      series(2021, (d) => pm2021(d) + extra),
    );
  }
}

async function aqi(db: Queryable): Promise<void> {
  const heavy = new Set(['2020-01-15', '2020-11-20', '2021-02-01', '2021-12-05']);
  await insertAqi(
    db,
    'tongzhou',
    enumerateDays('2020-01-01', '2021-12-31').map((day) => ({ day, aqi: heavy.has(day) ? 230 : 80 })),
  );
}

async function dustFall(db: Queryable): Promise<void> {
  await insertSandDust(db, { from: '2021-03-14', to: '2021-03-16', districtId: 'tongzhou' });
  for (const scope of ['tongzhou', ...TONGZHOU_UNITS]) {
    const usual = scope === 'lucheng' ? 5.2 : 4.8;
    await insertScopeMonthly(
      db,
      scope,
      'dust_fall',
      months('2020-01', 12, () => 5),
    );
    await insertScopeMonthly(
      db,
      scope,
      'dust_fall',
      months('2021-01', 12, (m) => (m === '2021-03' ? 9 : usual)),
    );
  }
}

const TSP_BOTTOM: Record<string, readonly string[]> = {
  zhangjiawan: ['2020-01', '2020-02', '2020-11', '2020-12', '2021-01', '2021-02'],
  majuqiao: ['2021-06'],
};

async function ranks(db: Queryable): Promise<void> {
  for (const unit of TONGZHOU_UNITS) {
    const rows = months('2020-01', 24, () => 0).map(({ month }) => ({
      month,
      rank: TSP_BOTTOM[unit]?.includes(month) ? 320 : 100,
      nRanked: 333,
    }));
    await insertCityRanks(db, 'tsp', unit, rows);
  }
}

async function roadDust(db: Queryable): Promise<void> {
  const test = (day: string, value: number, flags: string[]) => ({
    ts: shanghaiInstant(day, 10),
    seriesId: 'tongzhou',
    metricId: 'road_dust_residue',
    value,
    flags,
    dataVersion: 1 as const,
  });
  await writeMeasurements(db, [
    test('2021-02-01', 5.8, ['重点区域']),
    test('2021-05-01', 9, []),
    test('2021-08-01', 6.5, ['重点区域']),
  ]);
}

const CLASS_IV = { nh3n: 1.3, cod: 25, codmn: 8, bod5: 5, tp: 0.25, do: 4 };
const classV = (nh3n: number) => ({ nh3n, cod: 35, codmn: 12, bod5: 8, tp: 0.35, do: 3 });

async function water(db: Queryable): Promise<void> {
  const nh3n: Record<string, (month: number) => number> = {
    ganggouhe_houyuanhua: () => 3.5,
    liangshuihe_xugezhuang: () => 2.4,
    chaobaihe_wucun: (m) => (m === 6 ? 2.2 : 1.8),
    ex_outflow_huoxian: (m) => (m === 7 ? 3 : 1.8),
    ex_yudaihe: () => 2.3,
  };
  for (const site of [...NINE_SECTIONS, ...OUTFLOW_2021, 'ex_yudaihe']) {
    for (let m = 1; m <= 12; m++) {
      const values = site === 'beiyunhe_yangwazha' ? CLASS_IV : classV(nh3n[site]?.(m) ?? 1.8);
      await insertWaterMonth(db, site, `2021-${String(m).padStart(2, '0')}`, 5, values);
    }
  }
}

export async function loadScenario2021(db: Queryable): Promise<void> {
  await pm25(db);
  await aqi(db);
  await dustFall(db);
  await ranks(db);
  await roadDust(db);
  await water(db);
}
