/**
 * A synthetic 2023-2024 for Tongzhou and its 22 streets/towns, written at layer 2 through the test factory.
 * Every number is chosen so that the expected statuses in scenario-2024.test.ts can be worked out by hand:
 *
 * PM2.5, district (µg/m³): 2023 Jan–Mar 55, Apr–Dec 33; 2024 Q1 50, Q2 32, H2 28 (annual 12614 / 366 = 34.46).
 * Streets/towns: the district's shape plus an offset, both years, so each improves — except
 *   永乐店 (2024 ten higher: never improves), 西集 (Q1 2024 at 58 > 55, Q2 at 25 recovers by June),
 *   漷县 (no valid day in 2024).
 * AQI: 80 every day; heavy (230) on 2023-11-01, 2023-12-01 and 2024-01-10, 01-11, 02-20, 03-15, 11-20;
 *   a district-wide sand-dust period on 2024-03-14..16 takes out 03-15.
 * City-wide ranks (of 273): 100 except 马驹桥 PM2.5 (2023 Jan/Feb/Dec 250; 2024 Jan 250, Feb 265, Nov 250),
 *   张家湾 TSP (2023 Jan-Apr 250; 2024 Jan 250), 台湖 road dust load (2024 Feb and May 250),
 *   宋庄 bare land (2024 Aug 268), 潞城 bare land (2024 Apr 250).
 * Dust fall (t/km²·month): 2023 5.0 everywhere; 2024 district Jan 4.6, Feb 4.8, Mar 9.0 (sand-dust), Apr 5.2,
 *   May 5.0, Jun 4.9, Jul–Dec 4.7; units 4.5 (March 9.0), 于家务 5.3 (March 12), 梨园 6.0 (March 12).
 * Water 2024: assessment example sections at their class (section 5: NH3-N 1.8 in Jan–Mar, 1.2 after);
 *   outflow sections class V (漷县 劣Ⅴ in July); 台湖 inflow 劣Ⅴ throughout; 玉带河 class V, 劣Ⅴ in October.
 */
import type { Queryable } from '../../services/db/queryable.js';
import { enumerateDays } from '../../services/time/shanghai.js';
import {
  insertAqi,
  insertCityRanks,
  insertSandDust,
  insertScopeDaily,
  insertScopeMonthly,
  insertWaterMonth,
  months,
  type DayValue,
} from './fixtures.js';

export const TONGZHOU_UNITS = [
  'beiyuan',
  'zhongcang',
  'yuqiao',
  'xinhua',
  'luyuan',
  'tongyun',
  'luyi',
  'jiukeshu',
  'yangzhuang',
  'linheli',
  'wenjing',
  'yongshun',
  'taihu',
  'lucheng',
  'songzhuang',
  'liyuan',
  'majuqiao',
  'zhangjiawan',
  'huoxian',
  'yujiawu',
  'xiji',
  'yongledian',
] as const;

function pm2023(day: string): number {
  return day < '2023-04-01' ? 55 : 33;
}

function pm2024(day: string): number {
  return day < '2024-04-01' ? 50 : day < '2024-07-01' ? 32 : 28;
}

const series = (year: number, fn: (day: string) => number | null): DayValue[] =>
  enumerateDays(`${year}-01-01`, `${year}-12-31`).map((day) => ({ day, value: fn(day) }));

async function pm25(db: Queryable): Promise<void> {
  await insertScopeDaily(db, 'tongzhou', 'pm25', series(2023, pm2023));
  await insertScopeDaily(db, 'tongzhou', 'pm25', series(2024, pm2024));
  for (const [i, unit] of TONGZHOU_UNITS.entries()) {
    const offset = (i % 5) - 2;
    await insertScopeDaily(
      db,
      unit,
      'pm25',
      series(2023, (d) => pm2023(d) + offset),
    );
    const y2024: Record<string, (d: string) => number | null> = {
      yongledian: (d) => pm2024(d) + offset + 10,
      xiji: (d) => (d < '2024-04-01' ? 58 : d < '2024-07-01' ? 25 : pm2024(d)) + offset,
      huoxian: () => null,
    };
    await insertScopeDaily(db, unit, 'pm25', series(2024, y2024[unit] ?? ((d) => pm2024(d) + offset)));
  }
}

async function aqi(db: Queryable): Promise<void> {
  const heavy = new Set([
    '2023-11-01',
    '2023-12-01',
    '2024-01-10',
    '2024-01-11',
    '2024-02-20',
    '2024-03-15',
    '2024-11-20',
  ]);
  await insertAqi(
    db,
    'tongzhou',
    enumerateDays('2023-01-01', '2024-12-31').map((day) => ({ day, aqi: heavy.has(day) ? 230 : 80 })),
  );
  await insertSandDust(db, { from: '2024-03-14', to: '2024-03-16', districtId: 'tongzhou' });
}

const RANK_EXCEPTIONS: Record<string, Record<string, Record<string, number>>> = {
  pm25: {
    majuqiao: {
      '2023-01': 250,
      '2023-02': 250,
      '2023-12': 250,
      '2024-01': 250,
      '2024-02': 265,
      '2024-11': 250,
    },
  },
  tsp: { zhangjiawan: { '2023-01': 250, '2023-02': 250, '2023-03': 250, '2023-04': 250, '2024-01': 250 } },
  road_dust_load: { taihu: { '2024-02': 250, '2024-05': 250 } },
  uncontrolled_bare_land_area: { songzhuang: { '2024-08': 268 }, lucheng: { '2024-04': 250 } },
};

async function ranks(db: Queryable): Promise<void> {
  for (const [metric, exceptions] of Object.entries(RANK_EXCEPTIONS)) {
    for (const unit of TONGZHOU_UNITS) {
      const rows = months('2023-01', 24, () => 0).map(({ month }) => ({
        month,
        rank: exceptions[unit]?.[month] ?? 100,
        nRanked: 273,
      }));
      await insertCityRanks(db, metric, unit, rows);
    }
  }
}

async function dustFall(db: Queryable): Promise<void> {
  const district2024 = [4.6, 4.8, 9.0, 5.2, 5.0, 4.9, 4.7, 4.7, 4.7, 4.7, 4.7, 4.7];
  await insertScopeMonthly(
    db,
    'tongzhou',
    'dust_fall',
    months('2023-01', 12, () => 5),
  );
  await insertScopeMonthly(
    db,
    'tongzhou',
    'dust_fall',
    months('2024-01', 12, (_m, i) => district2024[i]!),
  );
  const level: Record<string, [number, number]> = { yujiawu: [5.3, 12], liyuan: [6, 12] };
  for (const unit of TONGZHOU_UNITS) {
    const [usual, march] = level[unit] ?? [4.5, 9];
    await insertScopeMonthly(
      db,
      unit,
      'dust_fall',
      months('2023-01', 12, () => 5),
    );
    await insertScopeMonthly(
      db,
      unit,
      'dust_fall',
      months('2024-01', 12, (m) => (m === '2024-03' ? march : usual)),
    );
  }
}

const CLASS_III = { nh3n: 0.9, cod: 18, codmn: 5, bod5: 3.5, tp: 0.15, do: 6 };
const CLASS_IV = { nh3n: 1.3, cod: 25, codmn: 8, bod5: 5, tp: 0.25, do: 4 };
const CLASS_V = { nh3n: 1.8, cod: 35, codmn: 12, bod5: 8, tp: 0.35, do: 3 };

async function water(db: Queryable): Promise<void> {
  const monthly = async (site: string, cls: (month: number) => [number, Record<string, number>]) => {
    for (let m = 1; m <= 12; m++) {
      const [c, values] = cls(m);
      await insertWaterMonth(db, site, `2024-${String(m).padStart(2, '0')}`, c, values);
    }
  };
  await monthly('ex_assess_2024_1', () => [3, CLASS_III]);
  for (const n of [2, 3, 4, 6, 7, 8]) await monthly(`ex_assess_2024_${n}`, () => [4, CLASS_IV]);
  await monthly('ex_assess_2024_5', (m) =>
    m <= 3 ? [5, { ...CLASS_IV, nh3n: 1.8 }] : [4, { ...CLASS_IV, nh3n: 1.2 }],
  );
  for (const town of ['songzhuang', 'zhangjiawan', 'majuqiao', 'xiji', 'yongledian'])
    await monthly(`ex_outflow_${town}`, () => [5, CLASS_V]);
  await monthly('ex_outflow_huoxian', (m) => (m === 7 ? [6, { ...CLASS_V, nh3n: 3 }] : [5, CLASS_V]));
  await monthly('ex_inflow_taihu', () => [6, { ...CLASS_V, nh3n: 2.5 }]);
  await monthly('ex_yudaihe', (m) => (m === 10 ? [6, { ...CLASS_V, nh3n: 2.6 }] : [5, CLASS_V]));
}

export async function loadScenario2024(db: Queryable): Promise<void> {
  await pm25(db);
  await aqi(db);
  await ranks(db);
  await dustFall(db);
  await water(db);
}
