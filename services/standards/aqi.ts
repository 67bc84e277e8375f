import {
  AQI_POLLUTANTS,
  AQI_RULES,
  IAQI_STEPS,
  MAX_IAQI,
  decimalsFor,
  type AqiMetric,
  type AqiPollutant,
  type AqiVersionRules,
  type SubstituteKey,
} from './aqi-breakpoints.js';
import { roundGbt8170 } from './gbt8170-rounding.js';
import { hj633VersionOn, type Hj633Version } from './standard-versions.js';
import { StandardsError } from './standards-error.js';

/**
 * Air quality index (HJ 633): IAQI per pollutant, AQI, primary pollutants, level.
 *
 * HJ 633-2026 §1: the AQI is public health advice, not environmental management. Compliance with a
 * concentration target is computed from concentrations (see air-limits.ts), never from the AQI; the AQI
 * is used here for level counts such as heavy-pollution days (AQI > 200).
 */

export type AqiLevel = 1 | 2 | 3 | 4 | 5 | 6;

export interface AqiLevelInfo {
  readonly level: AqiLevel;
  /** Inclusive AQI range of the level; `max` is null for level 6 ("> 300"). */
  readonly min: number;
  readonly max: number | null;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly colourNameZh: string;
  readonly colourNameEn: string;
  /** RGB of HJ 633-2012 附录A 表A.1 (the 2026 appendix is not among our pages; colour names in 2026 表1 match). */
  readonly colourHex: string;
}

/** HJ 633-2012 表2 / HJ 633-2026 表1; identical bands and names in both editions. */
export const AQI_LEVELS: readonly AqiLevelInfo[] = [
  {
    level: 1,
    min: 0,
    max: 50,
    nameZh: '优',
    nameEn: 'Excellent',
    colourNameZh: '绿色',
    colourNameEn: 'green',
    colourHex: '#00E400',
  },
  {
    level: 2,
    min: 51,
    max: 100,
    nameZh: '良',
    nameEn: 'Good',
    colourNameZh: '黄色',
    colourNameEn: 'yellow',
    colourHex: '#FFFF00',
  },
  {
    level: 3,
    min: 101,
    max: 150,
    nameZh: '轻度污染',
    nameEn: 'Lightly polluted',
    colourNameZh: '橙色',
    colourNameEn: 'orange',
    colourHex: '#FF7E00',
  },
  {
    level: 4,
    min: 151,
    max: 200,
    nameZh: '中度污染',
    nameEn: 'Moderately polluted',
    colourNameZh: '红色',
    colourNameEn: 'red',
    colourHex: '#FF0000',
  },
  {
    level: 5,
    min: 201,
    max: 300,
    nameZh: '重度污染',
    nameEn: 'Heavily polluted',
    colourNameZh: '紫色',
    colourNameEn: 'purple',
    colourHex: '#99004C',
  },
  {
    level: 6,
    min: 301,
    max: null,
    nameZh: '严重污染',
    nameEn: 'Severely polluted',
    colourNameZh: '褐红色',
    colourNameEn: 'maroon',
    colourHex: '#7E0023',
  },
];

/** Concentrations keyed by pollutant; µg/m³ except CO in mg/m³. Absent = not measured / invalid. */
export type AqiConcentrations = Readonly<Partial<Record<AqiPollutant, number>>>;

/**
 * Hourly input: for 2012, `pm10`/`pm25` are the 24-hour *sliding* means and `o3_8h` the 8-hour sliding
 * mean (2012 §5.1.3); for 2026 `pm10`/`pm25` are 1-hour means and `o3_8h` is not an indicator (§4.2.3).
 * `so2_24h` is only read when a 2012 SO2 1-hour value exceeds 800 µg/m³ (2012 表1 note (2)).
 */
export type HourlyAqiConcentrations = AqiConcentrations & { readonly so2_24h?: number };

export interface AqiResult {
  readonly aqi: number;
  readonly level: AqiLevel;
  readonly levelNameZh: string;
  readonly levelNameEn: string;
  readonly colour: string;
  /** Max-IAQI pollutants when AQI > 50, ties all listed (2012 §4.4.2, 2026 §4.3.1); else empty. */
  readonly primaryPollutants: readonly AqiPollutant[];
  readonly iaqi: Readonly<Partial<Record<AqiPollutant, number>>>;
  /** The rounded concentrations the IAQIs were computed from (2026 §4.2.2), kept for the audit trail. */
  readonly concentrations: Readonly<Partial<Record<AqiPollutant, number>>>;
  readonly version: Hj633Version;
}

export function aqiLevelOf(aqi: number): AqiLevelInfo {
  assertNonNegative('aqi', aqi);
  const info = AQI_LEVELS.find((l) => l.max === null || aqi <= l.max);
  if (info === undefined) throw new StandardsError(`no AQI level for ${String(aqi)}`);
  return info;
}

/** Plans count "重污染天数" as days with AQI > 200 (standards.md §4; 2026 表1 level 5 starts at 201). */
export function isHeavyPollutionDay(aqi: number): boolean {
  assertNonNegative('aqi', aqi);
  return aqi > 200;
}

/** Severe pollution (严重污染): AQI > 300. */
export function isSeverePollutionDay(aqi: number): boolean {
  assertNonNegative('aqi', aqi);
  return aqi > 300;
}

/**
 * IAQI of one table column on the edition in force on `day`. The concentration is first rounded
 * (GB/T 8170: integer, CO one decimal; 2026 §4.2.2 — the 2012 text is silent, and we apply the same rule so
 * that the switch day changes only the breakpoints, as standards.md §4 states for daily AQI); the result is
 * rounded up ("全部向上进位取整数", 2026 §4.2.6, 2012 §6.2). `substitutes` supplies the 1-hour O3 / 24-hour SO2 that 2012 reports in place of an
 * O3 8-hour / SO2 1-hour value above 800 µg/m³; without it that case throws.
 */
export function computeIaqi(
  day: string,
  metric: AqiMetric,
  concentration: number,
  substitutes: Readonly<Partial<Record<SubstituteKey, number>>> = {},
): number {
  return resolveIaqi(AQI_RULES[hj633VersionOn(day)], metric, concentration, substitutes);
}

/**
 * Daily AQI for a Shanghai natural day from that day's values (24-hour means, O3 daily max 8-hour and,
 * under 2012 only, daily max 1-hour). AQI is over the indicators given; none given → null, never 0
 * (an empty day is "insufficient data"). Values for pollutants that are not daily indicators of the
 * edition in force (o3_1h from 2026-03-01) are ignored.
 */
export function computeDailyAqi(day: string, concentrations: AqiConcentrations): AqiResult | null {
  const version = hj633VersionOn(day);
  return computeAqi(version, AQI_RULES[version].daily, concentrations);
}

/** Hourly (real-time, 实时报) AQI; `day` is the Shanghai natural day the hour belongs to. */
export function computeHourlyAqi(day: string, concentrations: HourlyAqiConcentrations): AqiResult | null {
  const version = hj633VersionOn(day);
  return computeAqi(version, AQI_RULES[version].hourly, concentrations);
}

function computeAqi(
  version: Hj633Version,
  indicators: Readonly<Partial<Record<AqiPollutant, AqiMetric>>>,
  concentrations: HourlyAqiConcentrations,
): AqiResult | null {
  assertKnownKeys(concentrations);
  const rules = AQI_RULES[version];
  const iaqi: Partial<Record<AqiPollutant, number>> = {};
  const rounded: Partial<Record<AqiPollutant, number>> = {};
  for (const pollutant of AQI_POLLUTANTS) {
    const metric = indicators[pollutant];
    const value = concentrations[pollutant];
    if (metric === undefined || value === undefined) continue;
    rounded[pollutant] = roundConcentration(metric, value);
    iaqi[pollutant] = resolveIaqi(rules, metric, value, concentrations);
  }
  const values = Object.values(iaqi);
  if (values.length === 0) return null;
  const maxIaqi = Math.max(...values);
  const aqi = Math.max(maxIaqi, rules.minAqi);
  const primaryPollutants = aqi > 50 ? AQI_POLLUTANTS.filter((p) => iaqi[p] === maxIaqi) : [];
  const level = aqiLevelOf(aqi);
  return {
    aqi,
    level: level.level,
    levelNameZh: level.nameZh,
    levelNameEn: level.nameEn,
    colour: level.colourHex,
    primaryPollutants,
    iaqi,
    concentrations: rounded,
    version,
  };
}

function resolveIaqi(
  rules: AqiVersionRules,
  metric: AqiMetric,
  concentration: number,
  substitutes: Readonly<Partial<Record<SubstituteKey, number>>>,
): number {
  const value = roundConcentration(metric, concentration);
  const breakpoints = rules.breakpoints[metric];
  const interpolated = interpolate(breakpoints, value, decimalsFor(metric));
  if (interpolated !== null) return interpolated;
  const rule = rules.aboveTable[metric];
  if (rule === undefined) return MAX_IAQI;
  if (rule.kind === 'fixed') return rule.iaqi;
  const substitute = substitutes[rule.inputKey];
  if (substitute === undefined) {
    throw new StandardsError(
      `${metric} ${String(value)} is above the table; the standard reports the ${rule.metric} IAQI instead, ` +
        `so ${rule.inputKey} is required`,
    );
  }
  return resolveIaqi(rules, rule.metric, substitute, substitutes);
}

/**
 * Formula (1) on the segment that contains `value`, rounded up; null above the column's last breakpoint.
 * Works in integers (CO in tenths) so that the ceiling of an exact result such as 100 never becomes 101
 * through binary noise: ceil(a / b) of two integers is exact.
 */
function interpolate(breakpoints: readonly number[], value: number, decimals: number): number | null {
  const scale = 10 ** decimals;
  const c = Math.round(value * scale);
  for (let i = 1; i < breakpoints.length; i++) {
    const hi = Math.round(at(breakpoints, i) * scale);
    if (c > hi) continue;
    const lo = Math.round(at(breakpoints, i - 1) * scale);
    const iaqiLo = at(IAQI_STEPS, i - 1);
    const iaqiHi = at(IAQI_STEPS, i);
    return iaqiLo + Math.ceil(((iaqiHi - iaqiLo) * (c - lo)) / (hi - lo));
  }
  return null;
}

function roundConcentration(metric: AqiMetric, concentration: number): number {
  assertNonNegative(metric, concentration);
  return roundGbt8170(concentration, decimalsFor(metric));
}

function at(values: readonly number[], index: number): number {
  const value = values[index];
  if (value === undefined) throw new StandardsError(`breakpoint index ${String(index)} out of range`);
  return value;
}

const KNOWN_KEYS: ReadonlySet<string> = new Set<string>([...AQI_POLLUTANTS, 'so2_24h']);

/** Input often comes from JSON or SQL rows: a typo'd key would silently lower the AQI, so reject it. */
function assertKnownKeys(concentrations: object): void {
  for (const key of Object.keys(concentrations)) {
    if (!KNOWN_KEYS.has(key)) throw new StandardsError(`unknown AQI pollutant "${key}"`);
  }
}

function assertNonNegative(what: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new StandardsError(`${what} must be a finite number ≥ 0, got ${String(value)}`);
  }
}
