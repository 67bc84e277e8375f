/**
 * Target periods: a calendar year (`2024`), a quarter (`2024-Q1`) or a month (`2024-03`), each a closed
 * range of Shanghai natural days. Targets, evaluations and reports name periods by these keys.
 */
import { ValidationError } from '../errors.js';
import { addDays, monthEndDay, sameDayLastYear } from './shanghai.js';

export type PeriodKind = 'year' | 'quarter' | 'month';

export interface Period {
  key: string;
  kind: PeriodKind;
  year: number;
  from: string;
  to: string;
}

export function parsePeriod(key: string): Period {
  let m = /^(\d{4})$/.exec(key);
  if (m) {
    const year = Number(m[1]);
    return { key, kind: 'year', year, from: `${year}-01-01`, to: `${year}-12-31` };
  }
  m = /^(\d{4})-Q([1-4])$/.exec(key);
  if (m) {
    const year = Number(m[1]);
    const q = Number(m[2]);
    const firstMonth = `${year}-${String((q - 1) * 3 + 1).padStart(2, '0')}`;
    const lastMonth = `${year}-${String(q * 3).padStart(2, '0')}`;
    return { key, kind: 'quarter', year, from: `${firstMonth}-01`, to: monthEndDay(lastMonth) };
  }
  m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(key);
  if (m) {
    const year = Number(m[1]);
    return { key, kind: 'month', year, from: `${key}-01`, to: monthEndDay(key) };
  }
  throw new ValidationError(`not a period key (YYYY, YYYY-Qn or YYYY-MM): ${key}`);
}

/** The same window one year earlier (for 同比 comparisons). */
export function sameRangeLastYear(range: { from: string; to: string }): { from: string; to: string } {
  return { from: sameDayLastYear(range.from), to: sameDayLastYear(range.to) };
}

export function nextDay(day: string): string {
  return addDays(day, 1);
}
