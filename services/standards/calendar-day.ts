import { StandardsError } from './standards-error.js';

/**
 * Calendar helpers for natural days in Asia/Shanghai, passed around as `YYYY-MM-DD` strings.
 *
 * WHY strings, not Dates: GB 3095 and HJ 633 define every average over a *natural day* (自然日) in
 * China Standard Time. A `Date` is an instant; turning it into a day depends on the process time zone
 * and is the classic off-by-one at midnight. The caller converts an instant to its Shanghai day once
 * (the foundation owns that); everything here works on the day label. China has had no DST since
 * 1991, so a Shanghai day is always 24 hours.
 */

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  assertYearMonth(year, month);
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function assertYearMonth(year: number, month: number): void {
  if (!Number.isInteger(year) || year < 1900 || year > 9999) {
    throw new StandardsError(`year must be an integer in 1900..9999, got ${String(year)}`);
  }
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    throw new StandardsError(`month must be an integer in 1..12, got ${String(month)}`);
  }
}

/**
 * Throws unless `day` is a real calendar day written `YYYY-MM-DD` (so "2025-02-29" is rejected).
 * Validated days compare correctly as strings, which is how version switches are decided.
 */
export function assertShanghaiDay(day: string): void {
  const match = DAY_PATTERN.exec(day);
  if (match === null) {
    throw new StandardsError(`day must be a Shanghai natural day written YYYY-MM-DD, got "${day}"`);
  }
  const year = Number(match[1]);
  const month = Number(match[2]);
  const dayOfMonth = Number(match[3]);
  if (month < 1 || month > 12 || dayOfMonth < 1 || year < 1900 || dayOfMonth > daysInMonth(year, month)) {
    throw new StandardsError(`day "${day}" is not a calendar day`);
  }
}
