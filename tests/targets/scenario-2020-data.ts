/**
 * A synthetic 2017-2020 for the 2020 Tongzhou plan (config/targets/tongzhou-2020.yaml), written at layer 2
 * through the test factory (road-dust tests as raw samples). Every number is chosen so that the statuses in
 * scenario-2020.test.ts can be worked out by hand at 31 March and 31 December 2020:
 *
 * PM2.5, district (µg/m³): 2017 60, 2018 55, 2019 50; 2020 Q1 52, Apr–Dec 42 (annual 16282 / 366 = 44.49 → 44.5).
 *   3-year means: 2018-2020 (55 + 50 + 52 → 52.3 at Q1; 49.8 at year end) against 2017-2019 55.0.
 * City PM2.5 (city_pm25, the city's monthly means on the district's series): 2019 42, 2020 40 → 4.8 % better.
 * Streets/towns (the 17 of 2020): the district's daily value plus 北苑 +0.5 (tier 0), 马驹桥 +3 (tier 3:
 *   exactly at its limit), 张家湾 +3.5 (tier 3), all others +0.
 * Dust fall (t/km²·month): 2019 5.0 everywhere but 宋庄 6.0; 2020 district 5.5 except April 6.5; units 5.0,
 *   宋庄 8.0.
 * Road dust residue (g/m²): 严控区 tests 7.0 (2020-02-10) and 8.4 (2020-05-20); another road 9.0 (2020-03-03).
 * Water 2020: class V parameters (NH3-N 1.8) at 老夏安, 吴村, 榆林庄闸; 许各庄 NH3-N 2.4 (劣Ⅴ, no relaxation);
 *   后元化 3.5 and 王家摆 3.0 (within NH3-N ≤ 4); 杨洼闸 class IV; 里老节制闸 class V against its IV target;
 *   马头 sampled in January only.
 */
import type { Queryable } from '../../services/db/queryable.js';
import { enumerateDays, shanghaiInstant } from '../../services/time/shanghai.js';
import {
  insertScopeDaily,
  insertScopeMonthly,
  insertWaterMonth,
  months,
  writeMeasurements,
  type DayValue,
} from './fixtures.js';
import { TONGZHOU_UNITS } from './scenario-2024-data.js';

const NEW_IN_2021 = new Set(['luyi', 'jiukeshu', 'yangzhuang', 'linheli', 'wenjing']);
export const UNITS_2020 = TONGZHOU_UNITS.filter((u) => !NEW_IN_2021.has(u));

export const NINE_SECTIONS = [
  'fenggangjianhe_laoxiaan',
  'chaobaihe_wucun',
  'liangshuihe_xugezhuang',
  'ganggouhe_houyuanhua',
  'beiyunhe_wangjiabai',
  'beiyunhe_yulinzhuangzha',
  'ganggouhe_matou',
  'beiyunhe_yangwazha',
  'ganggouhe_lilaojiezhizha',
] as const;

const series = (year: number, fn: (day: string) => number | null): DayValue[] =>
  enumerateDays(`${year}-01-01`, `${year}-12-31`).map((day) => ({ day, value: fn(day) }));

const pm2020 = (day: string) => (day < '2020-04-01' ? 52 : 42);
const UNIT_OFFSET: Record<string, number> = { beiyuan: 0.5, majuqiao: 3, zhangjiawan: 3.5 };

async function pm25(db: Queryable): Promise<void> {
  for (const [year, v] of [
    [2017, 60],
    [2018, 55],
    [2019, 50],
  ] as const)
    await insertScopeDaily(
      db,
      'tongzhou',
      'pm25',
      series(year, () => v),
    );
  await insertScopeDaily(db, 'tongzhou', 'pm25', series(2020, pm2020));
  for (const unit of UNITS_2020) {
    const offset = UNIT_OFFSET[unit] ?? 0;
    await insertScopeDaily(
      db,
      unit,
      'pm25',
      series(2020, (d) => pm2020(d) + offset),
    );
  }
  await insertScopeMonthly(
    db,
    'tongzhou',
    'city_pm25',
    months('2019-01', 12, () => 42),
  );
  await insertScopeMonthly(
    db,
    'tongzhou',
    'city_pm25',
    months('2020-01', 12, () => 40),
  );
}

async function dustFall(db: Queryable): Promise<void> {
  await insertScopeMonthly(
    db,
    'tongzhou',
    'dust_fall',
    months('2019-01', 12, () => 5),
  );
  await insertScopeMonthly(
    db,
    'tongzhou',
    'dust_fall',
    months('2020-01', 12, (m) => (m === '2020-04' ? 6.5 : 5.5)),
  );
  for (const unit of UNITS_2020) {
    const [y2019, y2020] = unit === 'songzhuang' ? [6, 8] : [5, 5];
    await insertScopeMonthly(
      db,
      unit,
      'dust_fall',
      months('2019-01', 12, () => y2019),
    );
    await insertScopeMonthly(
      db,
      unit,
      'dust_fall',
      months('2020-01', 12, () => y2020),
    );
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
    test('2020-02-10', 7, ['严控区']),
    test('2020-03-03', 9, []),
    test('2020-05-20', 8.4, ['严控区']),
  ]);
}

const CLASS_IV = { nh3n: 1.3, cod: 25, codmn: 8, bod5: 5, tp: 0.25, do: 4 };
const classV = (nh3n: number) => ({ nh3n, cod: 35, codmn: 12, bod5: 8, tp: 0.35, do: 3 });

async function water(db: Queryable): Promise<void> {
  const values: Record<string, Record<string, number>> = {
    liangshuihe_xugezhuang: classV(2.4),
    ganggouhe_houyuanhua: classV(3.5),
    beiyunhe_wangjiabai: classV(3),
    beiyunhe_yangwazha: CLASS_IV,
  };
  for (const site of NINE_SECTIONS) {
    const monthsSampled = site === 'ganggouhe_matou' ? 1 : 12;
    for (let m = 1; m <= monthsSampled; m++) {
      const v = values[site] ?? classV(1.8);
      await insertWaterMonth(db, site, `2020-${String(m).padStart(2, '0')}`, 5, v);
    }
  }
}

export async function loadScenario2020(db: Queryable): Promise<void> {
  await pm25(db);
  await dustFall(db);
  await roadDust(db);
  await water(db);
}
