import type { Hj633Version } from './standard-versions.js';

/**
 * IAQI breakpoint tables and per-version reporting rules of HJ 633.
 *
 * Sources (primary): HJ 633-2012 表1 and §4–5 (text in shared/standards/HJ633-2012_text.txt);
 * HJ 633-2026 表3, §4.1–4.3 and footnotes a–c (rendered pages 5–6 in shared/standards/).
 * Concentrations in µg/m³, CO in mg/m³.
 */

/** The IAQI value of each breakpoint row, both editions (first column of 2012 表1 / 2026 表3). */
export const IAQI_STEPS = [0, 50, 100, 150, 200, 300, 400, 500] as const;

/** Highest IAQI the index defines (HJ 633-2026 §4.1.1: "空气质量指数的范围为1～500"). */
export const MAX_IAQI = 500;

/** Pollutant keys used by the project's data (daily and hourly inputs share them). */
export type AqiPollutant = 'pm25' | 'pm10' | 'so2' | 'no2' | 'co' | 'o3_8h' | 'o3_1h';

export const AQI_POLLUTANTS: readonly AqiPollutant[] = ['pm25', 'pm10', 'so2', 'no2', 'co', 'o3_8h', 'o3_1h'];

/** One column of the breakpoint table: a pollutant at one averaging time. */
export type AqiMetric =
  | 'so2_24h'
  | 'so2_1h'
  | 'no2_24h'
  | 'no2_1h'
  | 'co_24h'
  | 'co_1h'
  | 'o3_1h'
  | 'o3_8h'
  | 'pm10_24h'
  | 'pm25_24h';

/** Concentrations a substitution rule may need besides the reported indicators. */
export type SubstituteKey = 'o3_1h' | 'so2_24h';

/**
 * What to do above the last breakpoint of a column that stops short of IAQI 500. Columns that reach
 * IAQI 500 are capped at 500: formula (1) needs a BP_Hi and there is none above the 500 row, and 2026
 * §4.1.1 bounds the index to 1–500 (the "爆表" of the 2013 haze episodes).
 */
export type AboveTableRule =
  | { readonly kind: 'fixed'; readonly iaqi: number }
  | { readonly kind: 'substitute'; readonly metric: AqiMetric; readonly inputKey: SubstituteKey };

export interface AqiVersionRules {
  readonly breakpoints: Readonly<Record<AqiMetric, readonly number[]>>;
  readonly aboveTable: Readonly<Partial<Record<AqiMetric, AboveTableRule>>>;
  /** Indicators of the daily report and the table column each one is read from. */
  readonly daily: Readonly<Partial<Record<AqiPollutant, AqiMetric>>>;
  /** Indicators of the hourly (real-time) report that carry an IAQI. */
  readonly hourly: Readonly<Partial<Record<AqiPollutant, AqiMetric>>>;
  /** Lowest AQI the edition publishes: 2012 表2 starts at 0 ("0～50"), 2026 §4.1.1 at 1 ("1～500"). */
  readonly minAqi: number;
}

/** HJ 633-2012 表1 (unchanged columns are shared with 2026: the 2026 revision only moved PM). */
const SHARED_COLUMNS = {
  so2_24h: [0, 50, 150, 475, 800, 1600, 2100, 2620],
  // 2012 表1 note (2) / 2026 表3 note b: the SO2 1-hour column ends at IAQI 200.
  so2_1h: [0, 150, 500, 650, 800],
  no2_24h: [0, 40, 80, 180, 280, 565, 750, 940],
  no2_1h: [0, 100, 200, 700, 1200, 2340, 3090, 3840],
  co_24h: [0, 2, 4, 14, 24, 36, 48, 60],
  co_1h: [0, 5, 10, 35, 60, 90, 120, 150],
  o3_1h: [0, 160, 200, 300, 400, 800, 1000, 1200],
  // 2012 表1 note (3) / 2026 表3 note c: the O3 8-hour column ends at IAQI 300.
  o3_8h: [0, 100, 160, 215, 265, 800],
} as const;

const HJ633_2012: AqiVersionRules = {
  breakpoints: {
    ...SHARED_COLUMNS,
    pm10_24h: [0, 50, 150, 250, 350, 420, 500, 600],
    pm25_24h: [0, 35, 75, 115, 150, 250, 350, 500],
  },
  aboveTable: {
    // 2012 表1 note (2): SO2 1h > 800 → report the IAQI of the SO2 24-hour mean instead.
    so2_1h: { kind: 'substitute', metric: 'so2_24h', inputKey: 'so2_24h' },
    // 2012 表1 note (3): O3 8h > 800 → report the IAQI of the O3 1-hour mean instead.
    o3_8h: { kind: 'substitute', metric: 'o3_1h', inputKey: 'o3_1h' },
  },
  // 2012 §5.1.2: 7 daily indicators, including the daily maximum 1-hour O3.
  daily: {
    so2: 'so2_24h',
    no2: 'no2_24h',
    pm10: 'pm10_24h',
    co: 'co_24h',
    o3_1h: 'o3_1h',
    o3_8h: 'o3_8h',
    pm25: 'pm25_24h',
  },
  // 2012 §5.1.3 and 表4: hourly SO2/NO2/CO/O3 on their 1-hour columns, O3 8-hour sliding mean, and PM on
  // the 24-hour column fed with the *24-hour sliding mean* (the PM 1-hour values carry no IAQI in 表4).
  hourly: {
    so2: 'so2_1h',
    no2: 'no2_1h',
    co: 'co_1h',
    o3_1h: 'o3_1h',
    o3_8h: 'o3_8h',
    pm10: 'pm10_24h',
    pm25: 'pm25_24h',
  },
  minAqi: 0,
};

const HJ633_2026: AqiVersionRules = {
  breakpoints: {
    ...SHARED_COLUMNS,
    // 2026 表3: IAQI 100 moves from 150 to 120 (PM10) and from 75 to 60 (PM2.5), matching the GB 3095-2026
    // transition Grade II 24-hour limits; all other rows equal 2012. Agrees with standards.md §4.
    pm10_24h: [0, 50, 120, 250, 350, 420, 500, 600],
    pm25_24h: [0, 35, 60, 115, 150, 250, 350, 500],
  },
  aboveTable: {
    // PNG wins over the brief: 2026 表3 note b fixes the IAQI at 200 ("IAQI按照200计") and note c at 300
    // ("IAQI按照300计"); the 2012 "use the 24-hour / 1-hour IAQI instead" substitution is gone.
    so2_1h: { kind: 'fixed', iaqi: 200 },
    o3_8h: { kind: 'fixed', iaqi: 300 },
  },
  // 2026 §4.2.2: 6 daily indicators. The daily max 1-hour O3 is no longer one (表3 note a: the O3 1-hour
  // column is "仅用于实时报"), so an o3_1h value given for a 2026 day does not enter the daily AQI.
  daily: {
    so2: 'so2_24h',
    no2: 'no2_24h',
    co: 'co_24h',
    pm10: 'pm10_24h',
    pm25: 'pm25_24h',
    o3_8h: 'o3_8h',
  },
  // 2026 §4.2.3: 6 hourly indicators, all 1-hour means; no O3 8-hour. PM 1-hour means are read on the
  // 24-hour ("日平均") column (§4.2.4, definitions of BP_Hi / BP_Lo under formula (1)).
  hourly: {
    so2: 'so2_1h',
    no2: 'no2_1h',
    co: 'co_1h',
    o3_1h: 'o3_1h',
    pm10: 'pm10_24h',
    pm25: 'pm25_24h',
  },
  minAqi: 1,
};

export const AQI_RULES: Readonly<Record<Hj633Version, AqiVersionRules>> = {
  'HJ633-2012': HJ633_2012,
  'HJ633-2026': HJ633_2026,
};

/** CO is reported in mg/m³ to one decimal (2026 §4.2.2); everything else to an integer. */
export function decimalsFor(metric: AqiMetric): number {
  return metric === 'co_24h' || metric === 'co_1h' ? 1 : 0;
}
