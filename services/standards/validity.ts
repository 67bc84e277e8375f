import { assertYearMonth, daysInMonth, isLeapYear } from './calendar-day.js';
import { StandardsError } from './standards-error.js';

/**
 * Minimum data for a valid average: GB 3095-2012 表4 and GB 3095-2026 表4 (identical requirements;
 * 2026 rendered page 9). An average without enough data is invalid — not computed from what there is
 * (GB 3095-2026 §6.4: data not meeting 表4 "应视为无效数据").
 */

/** 日平均 of SO2, NO2, CO, PM10, PM2.5, NOx: "每日至少有20个小时平均浓度值或采样时间". */
export const MIN_HOURS_FOR_DAILY_MEAN = 20;
/** O3 8小时平均: "每8小时至少有6个小时平均浓度值". */
export const MIN_HOURS_FOR_EIGHT_HOUR_MEAN = 6;
/** 1小时平均: "每小时至少有45分钟的采样时间". */
export const MIN_MINUTES_FOR_HOURLY_MEAN = 45;
/**
 * 表4 row 年平均: "每月至少有27个日平均浓度值（二月至少有25个日平均浓度值）". The table states it as part of the
 * annual requirement; the project (standards.md §3) and HJ 663 also use it as the monthly-mean rule.
 * February is 25 in leap years too: the standard does not distinguish.
 */
export const MIN_VALID_DAYS_PER_MONTH = 27;
export const MIN_VALID_DAYS_FEBRUARY = 25;
/** 表4 row 年平均: "每年至少有324个日平均浓度值". */
export const MIN_VALID_DAYS_PER_YEAR = 324;
/** TSP 年平均: "每年至少有分布均匀的60个日平均浓度值；每月至少有分布均匀的5个日平均浓度值". */
export const TSP_MIN_VALUES_PER_MONTH = 5;
export const TSP_MIN_VALUES_PER_YEAR = 60;

export function isDailyMeanValid(nHours: number): boolean {
  assertCount('nHours', nHours, 24);
  return nHours >= MIN_HOURS_FOR_DAILY_MEAN;
}

export function isEightHourMeanValid(nHours: number): boolean {
  assertCount('nHours', nHours, 8);
  return nHours >= MIN_HOURS_FOR_EIGHT_HOUR_MEAN;
}

export function isHourlyMeanValid(sampledMinutes: number): boolean {
  assertCount('sampledMinutes', sampledMinutes, 60);
  return sampledMinutes >= MIN_MINUTES_FOR_HOURLY_MEAN;
}

export function minValidDaysForMonth(year: number, month: number): number {
  assertYearMonth(year, month);
  return month === 2 ? MIN_VALID_DAYS_FEBRUARY : MIN_VALID_DAYS_PER_MONTH;
}

/**
 * More valid days than the month has means duplicated rows upstream (e.g. a provisional and an audited
 * value both counted), so that is an error rather than a pass.
 */
export function isMonthlyMeanValid(year: number, month: number, nValidDays: number): boolean {
  assertCount('nValidDays', nValidDays, daysInMonth(year, month));
  return nValidDays >= minValidDaysForMonth(year, month);
}

/** The 324-day count only; see isAnnualMeanValidByMonth for the full 表4 annual row. */
export function isAnnualMeanValid(nValidDays: number): boolean {
  assertCount('nValidDays', nValidDays, 366);
  return nValidDays >= MIN_VALID_DAYS_PER_YEAR;
}

/**
 * Full 表4 annual row: ≥ 324 valid days in the year and every month meeting its 27 (February 25) minimum.
 * `validDaysByMonth[0]` is January. 11 × 27 + 25 = 322 < 324, so neither condition implies the other.
 */
export function isAnnualMeanValidByMonth(year: number, validDaysByMonth: readonly number[]): boolean {
  assertTwelveMonths(validDaysByMonth);
  let total = 0;
  let everyMonthValid = true;
  validDaysByMonth.forEach((n, i) => {
    if (!isMonthlyMeanValid(year, i + 1, n)) everyMonthValid = false;
    total += n;
  });
  assertCount('total valid days', total, isLeapYear(year) ? 366 : 365);
  return everyMonthValid && total >= MIN_VALID_DAYS_PER_YEAR;
}

export function isTspMonthValid(nValues: number): boolean {
  assertCount('nValues', nValues, 31);
  return nValues >= TSP_MIN_VALUES_PER_MONTH;
}

/**
 * TSP annual mean: ≥ 60 values in the year and ≥ 5 in every month. The standard also asks for them to be
 * "分布均匀" (evenly spread); counts cannot show that, so the sampling schedule must guarantee it.
 */
export function isTspAnnualMeanValid(valuesByMonth: readonly number[]): boolean {
  assertTwelveMonths(valuesByMonth);
  const everyMonthValid = valuesByMonth.map((n) => isTspMonthValid(n)).every(Boolean);
  const total = valuesByMonth.reduce((sum, n) => sum + n, 0);
  return everyMonthValid && total >= TSP_MIN_VALUES_PER_YEAR;
}

function assertTwelveMonths(counts: readonly number[]): void {
  if (counts.length !== 12) {
    throw new StandardsError(`expected 12 monthly counts (January first), got ${String(counts.length)}`);
  }
}

function assertCount(what: string, n: number, max: number): void {
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new StandardsError(`${what} must be an integer in 0..${String(max)}, got ${String(n)}`);
  }
}
