/**
 * The fixed synthetic dataset of the March 2024 Tongzhou report, written straight into the layer-2 rollups
 * (scope_daily, scope_monthly, scope_daily_aqi) and the measurement table (city ranks, water samples), so
 * the report tests do not depend on ingestion or rollup code.
 *
 * Design (every expected value in the tests follows from this table):
 * - MARCH_2024[unit] = [PM2.5, dust fall, TSP, road dust load, road dust residue]; MARCH_2023 the same a year
 *   earlier. null = no valid monthly value (the unit is listed unranked).
 * - Ties: 九棵树 37.25 and 杨庄 37.2 both print 37.2 (GB/T 8170: 37.25 → 37.2) and share rank 2; 中仓/新华 41.2
 *   share 8; 通运/宋庄 44.0 share 12; 马驹桥/于家务 49.7 share 18, so the worst-3 cut keeps four units.
 * - Cumulative (YTD): January = March + 2d and February = March + d for every unit and year, so the cumulative
 *   mean is exactly March + d (PM2.5 daily rows: Jan = March + 12, Feb = March + 6 → (31·12 + 29·6)/91 = 6.0;
 *   2023: (31·12 + 28·6)/90 = 6.0). Other metrics have one row per month: d = DELTA[metric].
 * - District: PM2.5 daily 55 (Jan), 48 (Feb), 42 (Mar) in 2024 and 60, 52, 47 in 2023; heavy days (AQI > 200):
 *   2024-01-10, 2024-02-15, 2024-03-20 (in a sand-dust period 03-19 20:00 → 03-20 18:00), 2023-01-05;
 *   dust fall 4.2, 4.8, 7.9 (March touched by sand-dust) and 4.5, 5.0, 5.5 in 2023.
 * - City ranks (March 2024, 273 ranked): 西集 PM2.5 270 (bottom 10), 漷县 250 (bottom 30 only; city_ranking table,
 *   overriding the mirrored 240), 潞源 12; 北苑 100 without the count (flags unknown); 西集 TSP 265 (table).
 */
import type { Queryable } from '../../services/db/queryable.js';
import { ensurePartitionsFor } from '../../services/store/measurement-queries.js';
import { enumerateDays, monthEndDay, shanghaiDayStart } from '../../services/time/shanghai.js';
import { TONGZHOU_AREAS } from './fixture-reference.js';

export const RANKED = ['pm25', 'dust_fall', 'tsp', 'road_dust_load', 'road_dust_residue'] as const;
type Row = [number | null, number | null, number | null, number | null, number | null];

export const MARCH_2024: Record<string, Row> = {
  beiyuan: [38.0, 4.1, 180, 0.42, 3.1],
  zhongcang: [41.2, 4.6, 195, 0.51, 3.4],
  yuqiao: [39.5, 4.4, 170, 0.38, 2.9],
  xinhua: [41.2, 5.2, 210, 0.47, 3.8],
  luyuan: [36.4, 3.9, 160, 0.33, 2.6],
  tongyun: [44.0, 5.0, 205, 0.55, 4.0],
  luyi: [40.1, 4.7, 190, 0.49, 3.3],
  jiukeshu: [37.25, 4.2, 175, 0.41, 3.0],
  yangzhuang: [37.2, 4.3, 185, 0.44, 3.2],
  linheli: [45.3, 5.5, 220, 0.58, 4.2],
  wenjing: [47.0, 5.8, 230, 0.61, 4.5],
  yongshun: [39.0, 4.5, 188, 0.46, 3.5],
  taihu: [42.8, 5.1, 200, 0.52, 3.9],
  lucheng: [43.5, 5.3, 215, 0.57, 4.1],
  songzhuang: [44.0, 5.4, 212, 0.54, 4.0],
  liyuan: [46.1, 5.6, 225, 0.6, 4.4],
  majuqiao: [49.7, 6.1, 240, 0.66, 4.8],
  zhangjiawan: [48.2, 6.0, 236, 0.64, 4.7],
  huoxian: [50.3, 6.4, 250, 0.7, 5.0],
  yujiawu: [49.7, 6.2, 245, 0.68, 4.9],
  xiji: [51.2, 6.6, 260, 0.72, 5.2],
  yongledian: [null, 6.3, 255, null, 5.1],
};

export const MARCH_2023: Record<string, Row> = Object.fromEntries(
  Object.entries(MARCH_2024).map(([id, row], i) => [
    id,
    // Last year worse by 4.0 µg/m³ for even positions, better by 1.5 for odd ones; 西集 had no value.
    row.map((v, m) =>
      v === null || (id === 'xiji' && m === 0)
        ? null
        : v + (i % 2 === 0 ? 1 : -0.375) * [4, 0.4, 16, 0.04, 0.4][m]!,
    ) as Row,
  ]),
);

export const DELTA: Record<(typeof RANKED)[number], number> = {
  pm25: 6,
  dust_fall: 0.3,
  tsp: 10,
  road_dust_load: 0.05,
  road_dust_residue: 0.2,
};

interface Rows {
  scope: string[];
  metric: string[];
  day: string[];
  value: (number | null)[];
  version: number[];
}

function push(r: Rows, scope: string, metric: string, day: string, value: number | null, version = 1): void {
  r.scope.push(scope);
  r.metric.push(metric);
  r.day.push(day);
  r.value.push(value);
  r.version.push(version);
}

async function writeDaily(db: Queryable, r: Rows): Promise<void> {
  await db.query(
    `INSERT INTO scope_daily (scope_id, metric_id, day, value, n_series, n_valid_series, valid, min_version)
     SELECT s, m, d, v, 1, CASE WHEN v IS NULL THEN 0 ELSE 1 END, v IS NOT NULL, ver
       FROM unnest($1::text[], $2::text[], $3::date[], $4::float8[], $5::smallint[]) AS t(s, m, d, v, ver)`,
    [r.scope, r.metric, r.day, r.value, r.version],
  );
}

async function writeMonthly(db: Queryable, r: Rows): Promise<void> {
  await db.query(
    `INSERT INTO scope_monthly (scope_id, metric_id, month, value, n_days, n_valid_days, valid, min_version)
     SELECT s, m, d, v, 31, CASE WHEN v IS NULL THEN 0 ELSE 31 END, v IS NOT NULL, ver
       FROM unnest($1::text[], $2::text[], $3::date[], $4::float8[], $5::smallint[]) AS t(s, m, d, v, ver)`,
    [r.scope, r.metric, r.day, r.value, r.version],
  );
}

const MONTHS = (year: number) => [`${year}-01`, `${year}-02`, `${year}-03`];

/** Rollup rows of one year for the units: monthly rows Jan-Mar and the daily rows behind the cumulative mean. */
function unitRows(
  year: number,
  march: Record<string, Row>,
  daily: Rows,
  monthly: Rows,
  version: number,
): void {
  for (const area of TONGZHOU_AREAS) {
    RANKED.forEach((metric, m) => {
      const mar = march[area.id]![m]!;
      const step = metric === 'pm25' ? 6 : DELTA[metric];
      MONTHS(year).forEach((month, k) => {
        const v = mar === null ? null : mar + (2 - k) * step;
        push(monthly, area.id, metric, `${month}-01`, v, version);
        const days = metric === 'pm25' ? enumerateDays(`${month}-01`, monthEndDay(month)) : [`${month}-01`];
        for (const day of days) push(daily, area.id, metric, day, v, version);
      });
    });
  }
}

export async function insertRollups(db: Queryable, opts: { marchVersion?: number } = {}): Promise<void> {
  const daily: Rows = { scope: [], metric: [], day: [], value: [], version: [] };
  const monthly: Rows = { scope: [], metric: [], day: [], value: [], version: [] };
  unitRows(2024, MARCH_2024, daily, monthly, opts.marchVersion ?? 1);
  unitRows(2023, MARCH_2023, daily, monthly, 1);
  const district: Record<number, [number, number, number]> = { 2024: [55, 48, 42], 2023: [60, 52, 47] };
  const dust: Record<number, [number, number, number]> = { 2024: [4.2, 4.8, 7.9], 2023: [4.5, 5.0, 5.5] };
  for (const year of [2023, 2024]) {
    MONTHS(year).forEach((month, k) => {
      push(monthly, 'tongzhou', 'pm25', `${month}-01`, district[year]![k]!);
      push(monthly, 'tongzhou', 'dust_fall', `${month}-01`, dust[year]![k]!);
      for (const day of enumerateDays(`${month}-01`, monthEndDay(month)))
        push(daily, 'tongzhou', 'pm25', day, district[year]![k]!);
    });
  }
  await writeDaily(db, daily);
  await writeMonthly(db, monthly);
  const heavy = new Map([
    ['2024-01-10', 230],
    ['2024-02-15', 260],
    ['2024-03-20', 210],
    ['2024-03-21', 180],
    ['2023-01-05', 250],
  ]);
  const aqiDays = [
    ...enumerateDays('2023-01-01', '2023-03-31'),
    ...enumerateDays('2024-01-01', '2024-03-31'),
  ];
  await db.query(
    `INSERT INTO scope_daily_aqi (scope_id, day, aqi, level, standard)
     SELECT 'tongzhou', d, a, CASE WHEN a > 300 THEN 6 WHEN a > 200 THEN 5 WHEN a > 150 THEN 4 WHEN a > 100 THEN 3 WHEN a > 50 THEN 2 ELSE 1 END, 'HJ633-2012'
       FROM unnest($1::date[], $2::int[]) AS t(d, a)`,
    [aqiDays, aqiDays.map((d) => heavy.get(d) ?? 60 + (Number(d.slice(8)) % 7) * 9)],
  );
  await db.query(
    `INSERT INTO sand_dust_period (starts_at, ends_at, district_id, source) VALUES
       ('2024-03-19 20:00+08', '2024-03-20 18:00+08', 'tongzhou', 'test: 市环境监测中心'),
       -- ends exactly at midnight: touches 03-25 only
       ('2024-03-25 00:00+08', '2024-03-26 00:00+08', NULL, 'test: city-wide')`,
  );
}

async function insertMeasurements(
  db: Queryable,
  rows: [string, string, string, number, string[], number][],
): Promise<void> {
  const ts = rows.map((r) => (r[2].length === 10 ? shanghaiDayStart(r[2]) : new Date(r[2])));
  await ensurePartitionsFor(db, new Date('2023-01-01T00:00:00Z'), new Date('2024-12-31T00:00:00Z'));
  await db.query(
    `INSERT INTO measurement (ts, series_id, metric_id, value, flags, data_version, source_id)
     SELECT t, s, m, v, string_to_array(f, ','), ver, 'test'
       FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::smallint[]) AS x(t, s, m, v, f, ver)`,
    [
      ts,
      rows.map((r) => r[0]),
      rows.map((r) => r[1]),
      rows.map((r) => r[3]),
      rows.map((r) => r[4].join(',')),
      rows.map((r) => r[5]),
    ],
  );
}

export async function insertCityRanks(db: Queryable): Promise<void> {
  await insertMeasurements(db, [
    ['xiji', 'city_rank_pm25', '2024-03-01', 270, ['ranked:273'], 1],
    // The city_ranking table below says 250 for 漷县: the table wins.
    ['huoxian', 'city_rank_pm25', '2024-03-01', 240, ['ranked:273'], 1],
    ['luyuan', 'city_rank_pm25', '2024-03-01', 12, ['ranked:273'], 1],
    ['beiyuan', 'city_rank_pm25', '2024-03-01', 100, [], 1],
    // February: must not leak into March.
    ['luyuan', 'city_rank_pm25', '2024-02-01', 200, ['ranked:273'], 1],
  ]);
  await db.query(
    `INSERT INTO city_ranking (metric_id, period_kind, period_start, period_end, unit_key, unit_name, area_id, rank, n_ranked, value, source_id)
     VALUES ('pm25', 'month', '2024-03-01', '2024-03-31', 'huoxian', '漷县镇', 'huoxian', 250, 273, 50.3, 'test'),
            ('tsp', 'month', '2024-03-01', '2024-03-31', 'xiji', '西集镇', 'xiji', 265, 273, 260, 'test'),
            ('tsp', 'half_month', '2024-03-16', '2024-03-31', 'luyuan', '潞源街道', 'luyuan', 1, 273, 150, 'test')`,
  );
}

/**
 * Two sections. 玉带河 张家湾 (town outflow of 张家湾镇, target Ⅳ in 2024): NH3-N 2.6 → 劣Ⅴ, main pollutants
 * NH3-N (2.6−1.5)/1.5 = 0.7333, TP (0.35−0.3)/0.3 = 0.1667, CODMn (9−10)/10 = −0.1; not met.
 * 港沟河 后元化 (target Ⅴ with NH3-N ≤ 4, set in 2020): NH3-N 3.5 → 劣Ⅴ but the target is met.
 */
export async function insertWater(db: Queryable): Promise<void> {
  await db.query(
    `INSERT INTO site (id, kind, name_zh, name_en, district_id, area_id, river_zh, river_en, section_kinds, waterbody) VALUES
       ('yudaihe_zhangjiawan', 'water_section', '张家湾', 'Zhangjiawan', 'tongzhou', 'zhangjiawan', '玉带河', 'Yudai River', '{town_outflow}', 'river'),
       ('ganggouhe_houyuanhua', 'water_section', '后元化', 'Houyuanhua', 'tongzhou', NULL, '港沟河', 'Ganggou River', '{assessment}', 'river')`,
  );
  await db.query(
    `INSERT INTO site_water_target (site_id, year, target_class, overrides, source) VALUES
       ('yudaihe_zhangjiawan', 2024, 4, '{}', 'test'),
       ('ganggouhe_houyuanhua', 2020, 5, '{"nh3n": {"max": 4}}', '000:3531')`,
  );
  await insertMeasurements(db, [
    ['yudaihe_zhangjiawan', 'nh3n', '2024-03-12T02:00:00Z', 2.4, [], 1],
    ['yudaihe_zhangjiawan', 'nh3n', '2024-03-26T02:00:00Z', 2.8, [], 1],
    ['yudaihe_zhangjiawan', 'codmn', '2024-03-12T02:00:00Z', 9, [], 1],
    ['yudaihe_zhangjiawan', 'tp', '2024-03-12T02:00:00Z', 0.35, [], 1],
    ['yudaihe_zhangjiawan', 'do', '2024-03-12T02:00:00Z', 4.5, [], 1],
    ['yudaihe_zhangjiawan', 'nh3n', '2023-03-14T02:00:00Z', 1.2, [], 1],
    ['ganggouhe_houyuanhua', 'nh3n', '2024-03-13T02:00:00Z', 3.5, [], 1],
    ['ganggouhe_houyuanhua', 'codmn', '2024-03-13T02:00:00Z', 8, [], 1],
    ['ganggouhe_houyuanhua', 'do', '2024-03-13T02:00:00Z', 6, [], 1],
  ]);
}

/** Targets, evaluations and alerts as the targets and alerts engines would have left them. */
export async function insertStatusesAndAlerts(db: Queryable): Promise<void> {
  await db.query(
    `INSERT INTO plan (id, district_id, year, name_zh, name_en) VALUES ('tongzhou-2024', 'tongzhou', 2024, '通州区2024年行动计划', 'Tongzhou 2024 plan')`,
  );
  await db.query(
    `INSERT INTO target (id, plan_id, clause_zh, title_zh, title_en, metric_id, scope_kind, period_kind, period_year, rule_kind, strictness, source, definition)
     SELECT id, 'tongzhou-2024', clause, title, title_en, metric, scope_kind, period, 2024, 'test', 'hard', src, '{}'::jsonb
       FROM (VALUES
         ('TZ24-AIR-01', 'PM2.5全年累计浓度达到35微克/立方米', '全区PM2.5累计浓度≤35', 'District PM2.5 cumulative ≤ 35', 'pm25', 'district', 'year', '002:2391'),
         ('TZ24-AIR-05', '各街道乡镇PM2.5累计浓度同比改善', '各街道乡镇PM2.5累计浓度同比改善', 'Each unit: cumulative PM2.5 improves y/y', 'pm25', 'each_area', 'year', '002:2399'),
         ('TZ24-AIR-06b', '力争不进入每月全市PM2.5浓度后10名', '不进入全市PM2.5后10名', 'Not in the city bottom 10 for PM2.5', 'city_rank_pm25', 'each_area', 'month', '002:2405')
       ) AS v(id, clause, title, title_en, metric, scope_kind, period, src)`,
  );
  await db.query(
    `WITH e AS (
       INSERT INTO evaluation (target_id, scope_id, period_key, as_of, status, value, threshold, data_version, explanation_zh, explanation_en)
       VALUES ('TZ24-AIR-01', 'tongzhou', '2024', '2024-03-31', 'at_risk', 48.3, 35, 'audited', '累计浓度48.3', 'cumulative 48.3'),
              ('TZ24-AIR-05', 'xiji', '2024', '2024-03-31', 'insufficient_data', NULL, NULL, 'audited', '去年无数据', 'no 2023 value'),
              ('TZ24-AIR-06b', 'xiji', '2024-03', '2024-03-31', 'breached', 270, 263, 'audited', '后10名', 'bottom 10'),
              ('TZ24-AIR-05', 'luyuan', '2024', '2024-03-31', 'met', 42.4, 44.0, 'audited', '改善', 'improved'),
              ('TZ24-AIR-05', 'beiyuan', '2023', '2023-12-31', 'breached', 50, 45, 'audited', '旧年度', 'other year')
       RETURNING id, target_id, scope_id, period_key, status)
     INSERT INTO evaluation_current (target_id, scope_id, period_key, evaluation_id, status, status_since)
     SELECT target_id, scope_id, period_key, id, status, now() FROM e`,
  );
  await db.query(
    `INSERT INTO alert (kind, dedupe_key, target_id, scope_id, period_key, directory_year, state, severity, condition, title_zh, title_en, body_zh, body_en, opened_at, acknowledged_at, acknowledged_by)
     VALUES ('target', 'TZ24-AIR-06b|xiji|2024-03', 'TZ24-AIR-06b', 'xiji', '2024-03', 2024, 'firing', 'critical', 'breached',
             '西集镇进入全市PM2.5后10名', 'Xiji in the city bottom 10 for PM2.5', '…', '…', '2024-04-03 09:00+08', NULL, NULL),
            ('target', 'TZ24-AIR-01|tongzhou|2024', 'TZ24-AIR-01', 'tongzhou', '2024', 2024, 'acknowledged', 'warning', 'at_risk',
             '全区PM2.5累计浓度有超标风险', 'District PM2.5 cumulative at risk', '…', '…', '2024-03-15 10:00+08', '2024-03-15 11:30+08', '王科长'),
            ('target', 'old|closed', 'TZ24-AIR-05', 'beiyuan', '2023', 2023, 'closed', 'warning', 'breached', '已关闭', 'closed', '…', '…', '2023-12-01 10:00+08', NULL, NULL)`,
  );
}

export async function insertMarchDataset(db: Queryable, opts: { marchVersion?: number } = {}): Promise<void> {
  await insertRollups(db, opts);
  await insertCityRanks(db);
  await insertWater(db);
  await insertStatusesAndAlerts(db);
}
