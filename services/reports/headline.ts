/**
 * The district headline and the PM2.5 chart series, computed from rollup rows. Pure: the caller reads the
 * rows (collect-monthly.ts), so this file can be tested and reasoned about without a database.
 *
 * - 累计浓度 (cumulative concentration, 002:2391) = mean of the valid daily means from 1 January.
 * - Heavy-pollution days = days with AQI > 200 (HJ 633 重度污染 and worse, standards.md §4); the plan counts
 *   them 扣除沙尘影响, i.e. leaving out every day a sand-dust period overlaps (standards.md §5).
 * - Dust fall is a monthly weighing (GB/T 15265): a month a sand-dust period touched cannot be corrected
 *   day by day, so "without sand-dust" leaves such months out (docs/decisions.md).
 */
import { addMonths, monthEndDay, sameDayLastYear } from '../time/shanghai.js';
import type { HeadlineTargets } from './headline-targets.js';
import type { DailyAqiRow, DailyValueRow, MonthlyValueRow } from './queries/rollup-queries.js';
import type { DailyPoint, Headline, HeavyDays, MonthlyPoint } from './report-types.js';

/** HJ 633: AQI 201-300 重度污染, > 300 严重污染; both count as heavy-pollution days. */
const HEAVY_POLLUTION_AQI = 200;

export interface HeadlineInput {
  month: string;
  pm25Daily: readonly DailyValueRow[];
  pm25Monthly: readonly MonthlyValueRow[];
  aqiDaily: readonly DailyAqiRow[];
  sandDustDays: ReadonlySet<string>;
  dustFallMonthly: readonly MonthlyValueRow[];
  targets: HeadlineTargets | null;
}

export function meanOfValidDays(rows: readonly DailyValueRow[], from: string, to: string): number | null {
  let sum = 0;
  let n = 0;
  for (const r of rows) {
    if (r.day < from || r.day > to || !r.valid || r.value === null) continue;
    sum += r.value;
    n++;
  }
  return n === 0 ? null : sum / n;
}

function heavyDays(aqi: readonly DailyAqiRow[], sand: ReadonlySet<string>, from: string, to: string) {
  let count = 0;
  let exSand = 0;
  let days = 0;
  for (const r of aqi) {
    if (r.day < from || r.day > to) continue;
    days++;
    if (r.aqi > HEAVY_POLLUTION_AQI) {
      count++;
      if (!sand.has(r.day)) exSand++;
    }
  }
  return { count, exSand, days };
}

function heavyDaysFor(input: HeadlineInput, from: string, to: string, target: number | null): HeavyDays {
  const cur = heavyDays(input.aqiDaily, input.sandDustDays, from, to);
  const ly = heavyDays(input.aqiDaily, input.sandDustDays, sameDayLastYear(from), sameDayLastYear(to));
  return {
    count: cur.count,
    countExSandDust: cur.exSand,
    daysWithAqi: cur.days,
    lastYearExSandDust: ly.days === 0 ? null : ly.exSand,
    target,
  };
}

function monthValue(rows: readonly MonthlyValueRow[], month: string): number | null {
  return rows.find((r) => r.month === month)?.value ?? null;
}

function monthTouchedBySandDust(sand: ReadonlySet<string>, month: string): boolean {
  for (const day of sand) if (day.startsWith(month)) return true;
  return false;
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

function monthsOfYearTo(month: string): string[] {
  const out: string[] = [];
  for (let m = `${month.slice(0, 4)}-01`; m <= month; m = addMonths(m, 1)) out.push(m);
  return out;
}

export function buildHeadline(input: HeadlineInput): Headline {
  const { month, targets } = input;
  const year = Number(month.slice(0, 4));
  const yearStart = `${year}-01-01`;
  const monthEnd = monthEndDay(month);
  const q1End = month >= `${year}-03` ? `${year}-03-31` : monthEnd;
  const lastYearMonth = addMonths(month, -12);

  const months = monthsOfYearTo(month);
  const dustValues = months.map((m) => ({ m, v: monthValue(input.dustFallMonthly, m) }));
  const dustValid = dustValues.filter((x): x is { m: string; v: number } => x.v !== null);
  const dustClean = dustValid.filter((x) => !monthTouchedBySandDust(input.sandDustDays, x.m));
  const dustLy = months
    .map((m) => monthValue(input.dustFallMonthly, addMonths(m, -12)))
    .filter((v): v is number => v !== null);
  const dustMonth = monthValue(input.dustFallMonthly, month);
  const dustAffected = monthTouchedBySandDust(input.sandDustDays, month);

  return {
    pm25Month: {
      value: monthValue(input.pm25Monthly, month),
      lastYear: monthValue(input.pm25Monthly, lastYearMonth),
      target: null,
    },
    pm25Ytd: {
      value: meanOfValidDays(input.pm25Daily, yearStart, monthEnd),
      lastYear: meanOfValidDays(input.pm25Daily, sameDayLastYear(yearStart), sameDayLastYear(monthEnd)),
      target: targets?.pm25Year ?? null,
    },
    pm25Q1: {
      value: meanOfValidDays(input.pm25Daily, yearStart, q1End),
      lastYear: meanOfValidDays(input.pm25Daily, sameDayLastYear(yearStart), sameDayLastYear(q1End)),
      target: targets?.pm25Q1 ?? null,
      complete: q1End === `${year}-03-31`,
    },
    heavyDaysYtd: heavyDaysFor(input, yearStart, monthEnd, targets?.heavyDaysYear ?? null),
    heavyDaysQ1: {
      ...heavyDaysFor(input, yearStart, q1End, targets?.heavyDaysQ1 ?? null),
      complete: q1End === `${year}-03-31`,
    },
    dustFallMonth: {
      value: dustMonth,
      lastYear: monthValue(input.dustFallMonthly, lastYearMonth),
      target: targets?.dustFall ?? null,
      exSandDust: dustAffected ? null : dustMonth,
      sandDustAffected: dustAffected,
    },
    dustFallYtd: {
      value: mean(dustValid.map((x) => x.v)),
      lastYear: mean(dustLy),
      target: targets?.dustFall ?? null,
      exSandDust: mean(dustClean.map((x) => x.v)),
      monthsExcluded: dustValid.length - dustClean.length,
    },
    targetSource: targets?.source ?? null,
  };
}

/** Monthly PM2.5 of the whole year (Jan-Dec) with last year's and the cumulative mean to the report month. */
export function buildMonthlySeries(
  input: Pick<HeadlineInput, 'month' | 'pm25Daily' | 'pm25Monthly'>,
): MonthlyPoint[] {
  const year = input.month.slice(0, 4);
  const out: MonthlyPoint[] = [];
  for (let i = 0; i < 12; i++) {
    const m = addMonths(`${year}-01`, i);
    const inReport = m <= input.month;
    out.push({
      month: m,
      value: inReport ? monthValue(input.pm25Monthly, m) : null,
      lastYear: monthValue(input.pm25Monthly, addMonths(m, -12)),
      cumulative: inReport ? meanOfValidDays(input.pm25Daily, `${year}-01-01`, monthEndDay(m)) : null,
    });
  }
  return out;
}

export function buildDailySeries(
  month: string,
  pm25Daily: readonly DailyValueRow[],
  aqiDaily: readonly DailyAqiRow[],
  sand: ReadonlySet<string>,
): DailyPoint[] {
  const byDay = new Map(pm25Daily.map((r) => [r.day, r]));
  const aqiByDay = new Map(aqiDaily.map((r) => [r.day, r]));
  const out: DailyPoint[] = [];
  const last = Number(monthEndDay(month).slice(8));
  for (let d = 1; d <= last; d++) {
    const day = `${month}-${String(d).padStart(2, '0')}`;
    const row = byDay.get(day);
    out.push({
      day,
      value: row && row.valid ? row.value : null,
      aqiLevel: aqiByDay.get(day)?.level ?? null,
      sandDust: sand.has(day),
    });
  }
  return out;
}
