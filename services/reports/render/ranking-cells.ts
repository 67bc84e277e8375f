/**
 * The ranking bulletin's month-on-month and limit cells, shared by the HTML, PDF and spreadsheet views so
 * they print the same words: "-0.4（-8.2%）· 升2位", "超月限值5".
 */
import type { MonthlyReportData, RankingRow, ReportLocale } from '../report-types.js';
import { DASH, signed, signedPct } from './format.js';
import { t } from './labels.js';

/** Rank movement against last month: lower is better, so 5th → 3rd is "up 2". */
export function rankMove(row: RankingRow, locale: ReportLocale): string {
  if (row.rank === null || row.lastMonthRank === null) return '';
  const up = row.lastMonthRank - row.rank;
  if (up === 0) return t(locale, 'rankSame');
  return t(locale, up > 0 ? 'rankUp' : 'rankDown', { n: Math.abs(up) });
}

/** `sep` goes between the change and the rank move: ' · ' inline, a line break in a narrow PDF cell. */
export function monthOnMonthText(
  row: RankingRow,
  decimals: number,
  locale: ReportLocale,
  sep = ' · ',
): string {
  if (row.monthChange === null) return DASH;
  const pct =
    locale === 'zh-CN' ? `（${signedPct(row.monthChangePct)}）` : ` (${signedPct(row.monthChangePct)})`;
  const move = rankMove(row, locale);
  return `${signed(row.monthChange, decimals)}${pct}${move ? `${sep}${move}` : ''}`;
}

/** Change against the same month last year, bracketed as the month-on-month cell is: "-0.4（-9.3%）". */
export function yearOnYearText(row: RankingRow, decimals: number, locale: ReportLocale): string {
  if (row.change === null) return DASH;
  const pct = signedPct(row.changePct);
  return `${signed(row.change, decimals)}${locale === 'zh-CN' ? `（${pct}）` : ` (${pct})`}`;
}

/**
 * The monthly limit a street/town's month is checked against, where the plan sets one: dust fall's
 * district monthly target (e.g. 5 t/km²·month, 2024 plan) applies to each unit's own monthly value too.
 */
export function monthlyLimitOf(data: MonthlyReportData, metricId: string): number | null {
  return metricId === 'dust_fall' ? data.headline.dustFallMonth.target : null;
}

export function overLimit(row: RankingRow, limit: number | null): boolean {
  return limit !== null && row.value !== null && row.value > limit;
}
