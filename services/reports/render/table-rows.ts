/**
 * The tabular view of a report shared by XLSX and CSV: column headers per locale and rows of typed cells
 * (numbers stay numbers, rounded to what the PDF prints so every format agrees).
 */
import { roundGbt8170 } from '../../standards/index.js';
import type {
  MetricRanking,
  MonthlyReportData,
  ReportLocale,
  WaterBulletinData,
  WaterSectionRow,
} from '../report-types.js';
import { areaName, monthLabel, unitOf, waterClassLabel, ytdRange } from './format.js';
import { metText, pollutantText } from './html-water.js';
import { RANKING_TITLES, STATUS_LABELS, pick, t } from './labels.js';
import { monthlyLimitOf, overLimit, rankMove } from './ranking-cells.js';

export type Cell = string | number | null;

export interface Column {
  header: string;
  /** Excel number format for numeric columns (e.g. '0.0'); undefined for text. */
  numFmt?: string;
  width: number;
}

export interface Table {
  name: string;
  columns: Column[];
  rows: Cell[][];
}

function num(v: number | null, decimals: number): number | null {
  return v === null ? null : roundGbt8170(v, decimals);
}

function fmt(decimals: number): string {
  return decimals <= 0 ? '0' : `0.${'0'.repeat(decimals)}`;
}

function yesNo(v: boolean | null, locale: ReportLocale): string | null {
  if (v === null) return null;
  return locale === 'zh-CN' ? (v ? '是' : '否') : v ? 'yes' : 'no';
}

export function rankingTitle(r: MetricRanking, locale: ReportLocale): string {
  const title = RANKING_TITLES[r.metric.id];
  return title ? pick(locale, title) : locale === 'zh-CN' ? r.metric.nameZh : r.metric.nameEn;
}

export function rankingTable(data: MonthlyReportData, r: MetricRanking, locale: ReportLocale): Table {
  const d = r.metric.decimals;
  const unit = unitOf(r.metric, locale);
  const zh = locale === 'zh-CN';
  const columns: Column[] = [
    { header: t(locale, 'rank'), numFmt: '0', width: 7 },
    { header: t(locale, 'area'), width: 16 },
    { header: zh ? '全称' : 'Full name', width: 24 },
    { header: `${monthLabel(data.month, locale)} (${unit})`, numFmt: fmt(d), width: 16 },
    { header: t(locale, 'lastYear'), numFmt: fmt(d), width: 12 },
    { header: t(locale, 'change'), numFmt: fmt(d), width: 11 },
    { header: `${t(locale, 'yoy')} (%)`, numFmt: '0.0', width: 10 },
    { header: t(locale, 'ytd', { range: ytdRange(data.month, locale) }), numFmt: fmt(d), width: 14 },
    { header: `${t(locale, 'lastYear')} (${ytdRange(data.month, locale)})`, numFmt: fmt(d), width: 16 },
    { header: `${t(locale, 'ytdChange')} (%)`, numFmt: '0.0', width: 12 },
    { header: t(locale, 'cityRank'), numFmt: '0', width: 10 },
    { header: zh ? '全市参评数' : 'City units ranked', numFmt: '0', width: 11 },
    { header: zh ? '全市后10' : 'City bottom 10', width: 9 },
    { header: zh ? '全市后30' : 'City bottom 30', width: 9 },
    { header: zh ? '标注' : 'Mark', width: 8 },
    { header: t(locale, 'status'), width: 10 },
    { header: zh ? '相关目标' : 'Targets', width: 22 },
    // Month on month (环比) and the monthly limit: appended, so the columns above keep their places.
    { header: t(locale, 'lastMonth'), numFmt: fmt(d), width: 10 },
    { header: t(locale, 'momChange'), numFmt: fmt(d), width: 11 },
    { header: `${t(locale, 'momChange')} (%)`, numFmt: '0.0', width: 11 },
    { header: t(locale, 'lastMonthRank'), numFmt: '0', width: 9 },
    { header: zh ? '名次变化' : 'Rank change', width: 10 },
    { header: zh ? '月限值' : 'Monthly limit', numFmt: fmt(d), width: 10 },
    { header: zh ? '超月限值' : 'Above the limit', width: 9 },
  ];
  const limit = monthlyLimitOf(data, r.metric.id);
  const rows = r.rows.map((row): Cell[] => [
    row.rank,
    areaName(row.area, locale),
    zh ? row.area.nameZh : row.area.nameEn,
    row.value,
    num(row.lastYear, d),
    row.change,
    row.changePct,
    num(row.ytd, d),
    num(row.ytdLastYear, d),
    row.ytdChangePct,
    row.cityRank?.rank ?? null,
    row.cityRank?.ranked ?? null,
    yesNo(row.cityRank?.bottom10 ?? null, locale),
    yesNo(row.cityRank?.bottom30 ?? null, locale),
    row.mark ? t(locale, row.mark === 'best' ? 'bestN' : 'worstN', { n: r.markCount }) : null,
    row.status ? pick(locale, STATUS_LABELS[row.status.status]) : null,
    row.status ? row.status.targetIds.join(', ') : null,
    num(row.lastMonth, d),
    row.monthChange,
    row.monthChangePct,
    row.lastMonthRank,
    rankMove(row, locale) || null,
    limit,
    limit === null || row.value === null ? null : yesNo(overLimit(row, limit), locale),
  ]);
  return { name: rankingTitle(r, locale), columns, rows };
}

export function headlineTable(data: MonthlyReportData, locale: ReportLocale): Table {
  const h = data.headline;
  const range = ytdRange(data.month, locale);
  const columns: Column[] = [
    { header: t(locale, 'indicator'), width: 34 },
    { header: t(locale, 'current'), numFmt: '0.0', width: 12 },
    { header: t(locale, 'lastYear'), numFmt: '0.0', width: 14 },
    { header: t(locale, 'target'), numFmt: '0.0', width: 10 },
  ];
  const ex = t(locale, 'exSandDust');
  const rows: Cell[][] = [
    [t(locale, 'pm25Month'), num(h.pm25Month.value, 1), num(h.pm25Month.lastYear, 1), null],
    [t(locale, 'pm25Ytd', { range }), num(h.pm25Ytd.value, 1), num(h.pm25Ytd.lastYear, 1), h.pm25Ytd.target],
    [t(locale, 'pm25Q1'), num(h.pm25Q1.value, 1), num(h.pm25Q1.lastYear, 1), h.pm25Q1.target],
    [
      `${t(locale, 'heavyYtd', { range })} ${ex}`,
      h.heavyDaysYtd.countExSandDust,
      h.heavyDaysYtd.lastYearExSandDust,
      h.heavyDaysYtd.target,
    ],
    [`${t(locale, 'heavyYtd', { range })} ${t(locale, 'withSandDust')}`, h.heavyDaysYtd.count, null, null],
    [
      `${t(locale, 'heavyQ1')} ${ex}`,
      h.heavyDaysQ1.countExSandDust,
      h.heavyDaysQ1.lastYearExSandDust,
      h.heavyDaysQ1.target,
    ],
    [`${t(locale, 'heavyQ1')} ${t(locale, 'withSandDust')}`, h.heavyDaysQ1.count, null, null],
    [
      t(locale, 'dustMonth'),
      num(h.dustFallMonth.value, 1),
      num(h.dustFallMonth.lastYear, 1),
      h.dustFallMonth.target,
    ],
    [`${t(locale, 'dustMonth')} ${ex}`, num(h.dustFallMonth.exSandDust, 1), null, h.dustFallMonth.target],
    [
      t(locale, 'dustYtd', { range }),
      num(h.dustFallYtd.value, 1),
      num(h.dustFallYtd.lastYear, 1),
      h.dustFallYtd.target,
    ],
    [
      `${t(locale, 'dustYtd', { range })} ${ex}`,
      num(h.dustFallYtd.exSandDust, 1),
      null,
      h.dustFallYtd.target,
    ],
  ];
  return { name: locale === 'zh-CN' ? '全区概况' : 'Headline', columns, rows };
}

export function waterTable(rows: readonly WaterSectionRow[], locale: ReportLocale, name: string): Table {
  const columns: Column[] = [
    { header: t(locale, 'section'), width: 18 },
    { header: t(locale, 'river'), width: 14 },
    { header: t(locale, 'area'), width: 14 },
    { header: t(locale, 'waterClass'), width: 10 },
    {
      header: locale === 'zh-CN' ? '类别（数字，6=劣Ⅴ）' : 'Class (6 = worse than V)',
      numFmt: '0',
      width: 12,
    },
    { header: t(locale, 'targetClass'), width: 10 },
    { header: t(locale, 'met'), width: 9 },
    { header: t(locale, 'mainPollutants'), width: 36 },
    { header: t(locale, 'lastYearClass'), width: 10 },
  ];
  return {
    name,
    columns,
    rows: rows.map((r) => [
      locale === 'zh-CN' ? r.nameZh : r.nameEn,
      (locale === 'zh-CN' ? r.riverZh : r.riverEn) ?? null,
      r.area ? areaName(r.area, locale) : null,
      r.waterClass === null ? null : waterClassLabel(r.waterClass, locale),
      r.waterClass,
      r.targetClass === null ? null : waterClassLabel(r.targetClass, locale),
      r.met === null ? null : metText(r.met, locale),
      r.mainPollutants.map((p) => pollutantText(p, locale)).join('、') || null,
      r.lastYearClass === null ? null : waterClassLabel(r.lastYearClass, locale),
    ]),
  };
}

export function waterBulletinTable(data: WaterBulletinData, locale: ReportLocale): Table {
  const columns: Column[] = [
    { header: t(locale, 'rank'), numFmt: '0', width: 7 },
    { header: t(locale, 'area'), width: 16 },
    { header: t(locale, 'sectionsFailing'), numFmt: '0', width: 12 },
    { header: t(locale, 'worstClass'), width: 10 },
    { header: t(locale, 'maxExceedance'), numFmt: '0.00', width: 12 },
    { header: t(locale, 'sections'), width: 50 },
  ];
  return {
    name: locale === 'zh-CN' ? '后10名' : 'Ten worst',
    columns,
    rows: data.worst.map((w) => [
      w.rank,
      areaName(w.area, locale),
      w.sectionsFailing,
      waterClassLabel(w.worstClass, locale),
      w.maxExceedance,
      w.sections
        .map((s) => `${locale === 'zh-CN' ? s.nameZh : s.nameEn} ${waterClassLabel(s.waterClass, locale)}`)
        .join('；'),
    ]),
  };
}
