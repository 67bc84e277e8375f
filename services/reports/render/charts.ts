/**
 * The reports' charts: the shared ECharts module (services/charts) given the report's data and its labels
 * in the report's language. The same SVG goes inline into the web page, is drawn as vectors into the PDF
 * and rasterised for the e-mail; its text stays text (searchable, extractable with pdftotext).
 */
import {
  dailyPm25Chart as dailyChart,
  monthlyPm25Chart as monthlyChart,
  rankingBarChart as rankingChart,
  waterClassChart as waterChart,
  type RankingBar,
  type WaterClassBar,
} from '../../charts/report-charts.js';
import { AQI_LEVELS } from '../../standards/index.js';
import type { DailyPoint, MonthlyPoint, ReportLocale } from '../report-types.js';
import { shortMonthLabel, waterClassLabel } from './format.js';
import { t } from './labels.js';

export const FONT_STACK =
  'Noto Sans SC, Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif';

export { MAX_BARS } from '../../charts/report-charts.js';
export type BarDatum = RankingBar;

/**
 * A chart is a pure function of its arguments, and a report draws each twice per language (the web page
 * and PDF, then the e-mail body): the second drawing is taken from here. Small, as a report has ~10 charts.
 */
const drawn = new Map<string, string>();
const MAX_DRAWN = 64;

function memo(args: unknown, draw: () => string): string {
  const key = JSON.stringify(args);
  let svg = drawn.get(key);
  if (svg === undefined) {
    svg = draw();
    if (drawn.size >= MAX_DRAWN) drawn.delete(drawn.keys().next().value!);
    drawn.set(key, svg);
  }
  return svg;
}

function ugUnit(locale: ReportLocale): string {
  return locale === 'zh-CN' ? '微克/立方米' : 'µg/m³';
}

/** Monthly PM2.5 of the year: bars, last year's months, the cumulative mean and the annual target line. */
export function monthlyPm25Chart(
  points: readonly MonthlyPoint[],
  target: number | null,
  locale: ReportLocale,
  year: number,
): string {
  return memo(['monthly', points, target, locale, year], () => monthlyChartSvg(points, target, locale, year));
}

function monthlyChartSvg(
  points: readonly MonthlyPoint[],
  target: number | null,
  locale: ReportLocale,
  year: number,
): string {
  return monthlyChart('pm25-monthly', points, target, {
    title: t(locale, 'chartMonthly', { year }),
    months: points.map((p) => shortMonthLabel(p.month, locale)),
    month: t(locale, 'legendMonth'),
    lastYear: t(locale, 'legendLastYear'),
    cumulative: t(locale, 'legendCumulative'),
    target: t(locale, 'legendTarget', { v: target ?? '' }),
    unit: ugUnit(locale),
  }).svg;
}

/** Daily PM2.5 of the month, each bar in its AQI level colour (HJ 633 表A.1), with the 24-h limit. */
export function dailyPm25Chart(
  points: readonly DailyPoint[],
  limit: number,
  locale: ReportLocale,
  monthText: string,
): string {
  return memo(['daily', points, limit, locale, monthText], () =>
    dailyChartSvg(points, limit, locale, monthText),
  );
}

function dailyChartSvg(
  points: readonly DailyPoint[],
  limit: number,
  locale: ReportLocale,
  monthText: string,
): string {
  return dailyChart('pm25-daily', points, limit, {
    title: t(locale, 'chartDaily', { month: monthText }),
    levels: AQI_LEVELS.map((l) => (locale === 'zh-CN' ? l.nameZh : l.nameEn)),
    limit: t(locale, 'legendDailyLimit', { v: limit }),
    sandDust: t(locale, 'legendSand'),
    unit: ugUnit(locale),
  }).svg;
}

/** Horizontal bars in rank order, best and worst marked; the district's value and the units' limit as lines. */
export function rankingBarChart(
  data: readonly BarDatum[],
  opts: {
    id: string;
    decimals: number;
    unit: string;
    label: string;
    reference?: { value: number; label: string } | null;
    target?: { value: number; label: string } | null;
  },
): string {
  return memo(
    ['ranking', data, opts],
    () =>
      rankingChart(opts.id, data, {
        title: opts.label,
        unit: opts.unit,
        decimals: opts.decimals,
        reference: opts.reference ?? null,
        target: opts.target ?? null,
      }).svg,
  );
}

/** Each water section's class against its target class. */
export function waterClassChart(
  sections: readonly WaterClassBar[],
  locale: ReportLocale,
  id: string,
  title: string,
): string {
  return memo(
    ['water', sections, locale, id, title],
    () =>
      waterChart(id, sections, {
        title,
        classLabels: [1, 2, 3, 4, 5, 6].map((c) => waterClassLabel(c, locale)),
        measured: t(locale, 'waterClass'),
        target: t(locale, 'targetClass'),
      }).svg,
  );
}
