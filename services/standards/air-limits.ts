import { gb3095LimitStageOn, type Gb3095LimitStage } from './standard-versions.js';

/**
 * GB 3095 Grade II (二级) concentration limits for particulate matter, by the limit stage in force on a day.
 *
 * Grade II applies to 二类区 (residential, commercial/traffic mixed, cultural, industrial and rural areas;
 * GB 3095-2026 §4.1–4.2), which is where every district monitoring station in our plans sits. These are
 * the numbers compliance with a concentration target is judged against (HJ 633-2026 §1 and §6.2: AQI is
 * not used to judge attainment). Values in µg/m³ at actual conditions (GB 3095-2026 §4.3).
 */

export type ParticulatePollutant = 'pm25' | 'pm10' | 'tsp';

export interface GradeIILimits {
  readonly pollutant: ParticulatePollutant;
  /** Annual mean limit (年平均). */
  readonly annual: number;
  /** 24-hour (daily) mean limit (24小时平均 in 2012, 日平均 in 2026). */
  readonly daily: number;
  readonly unit: 'µg/m³';
  readonly stage: Gb3095LimitStage;
}

type LimitPair = { readonly annual: number; readonly daily: number };

const LIMITS: Readonly<Record<Gb3095LimitStage, Readonly<Record<ParticulatePollutant, LimitPair>>>> = {
  // GB 3095-2012 表1 (PM10, PM2.5) and 表2 (TSP), Grade II.
  'GB3095-2012': {
    pm25: { annual: 35, daily: 75 },
    pm10: { annual: 70, daily: 150 },
    tsp: { annual: 200, daily: 300 },
  },
  // GB 3095-2026 表1 "过渡阶段浓度限值 二级" (2026-03-01..2030-12-31), read from the rendered page 6;
  // agrees with standards.md §2. TSP is a 表2 "other item", which has a single set of limits and whose
  // implementation is decided by the State Council department or the province (§4.5).
  'GB3095-2026-transition': {
    pm25: { annual: 30, daily: 60 },
    pm10: { annual: 60, daily: 120 },
    tsp: { annual: 200, daily: 300 },
  },
  // GB 3095-2026 表1 "浓度限值 二级", from 2031-01-01 (§4.4).
  'GB3095-2026-final': {
    pm25: { annual: 25, daily: 50 },
    pm10: { annual: 50, daily: 100 },
    tsp: { annual: 200, daily: 300 },
  },
};

export function gradeIILimitsForStage(
  stage: Gb3095LimitStage,
  pollutant: ParticulatePollutant,
): GradeIILimits {
  const pair = LIMITS[stage][pollutant];
  return { pollutant, annual: pair.annual, daily: pair.daily, unit: 'µg/m³', stage };
}

/** Grade II limits in force on a Shanghai natural day (`YYYY-MM-DD`). */
export function gradeIILimitsOn(day: string, pollutant: ParticulatePollutant): GradeIILimits {
  return gradeIILimitsForStage(gb3095LimitStageOn(day), pollutant);
}
