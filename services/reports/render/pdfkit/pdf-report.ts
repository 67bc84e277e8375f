/**
 * The monthly ranking report and the quarterly water bulletin laid out with pdfkit, in the reading order
 * of the HTML version: a one-page summary first (headline, best and worst per ranking), the PM2.5 charts,
 * each metric's ranking with its chart, district targets, water sections, open alerts. The charts are the
 * very SVGs the web page inlines (services/charts), drawn as vectors.
 */
import { roundGbt8170 } from '../../../standards/index.js';
import { formatShanghai } from '../../../time/shanghai.js';
import type { MonthlyReportData, ReportLocale, WaterBulletinData } from '../../report-types.js';
import {
  DASH,
  areaName,
  districtName,
  fixed,
  monthLabel,
  producedAtLabel,
  quarterLabel,
  signedPct,
  unitOf,
  ytdRange,
} from '../format.js';
import { ALERT_STATE_LABELS, SEVERITY_LABELS, STATUS_LABELS, pick, t } from '../labels.js';
import {
  headlineTable,
  rankingTitle,
  waterBulletinTable,
  waterTable,
  type Cell,
  type Table,
} from '../table-rows.js';
import { monthOnMonthText, monthlyLimitOf, overLimit, yearOnYearText } from '../ranking-cells.js';
import { PdfWriter, type PdfColumn, type PdfRowStyle } from './pdf-writer.js';

export interface PdfChart {
  id: string;
  svg: string;
  width: number;
  height: number;
}

export interface PdfRun {
  locale: ReportLocale;
  title: string;
  version: number;
  producedAt: Date;
  supersedes: number | null;
  footerLabel: string;
  /** The report's charts by id, as the HTML rendering made them. */
  charts: readonly PdfChart[];
}

const ROW_FILL = { best: '#e3f1e8', worst: '#f6dcd8' } as const;

function cellText(v: Cell, numFmt: string | undefined): string {
  if (v === null) return DASH;
  if (typeof v === 'number' && numFmt) {
    const d = numFmt.includes('.') ? numFmt.split('.')[1]!.length : 0;
    return roundGbt8170(v, d).toFixed(d);
  }
  return String(v);
}

/** A table of table-rows.ts (the XLSX/CSV view), so the PDF prints the numbers the spreadsheets hold. */
export function sharedTable(
  w: PdfWriter,
  table: Table,
  skip: ReadonlySet<number> = new Set(),
  styles: readonly PdfRowStyle[] = [],
): void {
  const keep = table.columns.map((_c, i) => i).filter((i) => !skip.has(i));
  w.table(
    keep.map((i) => ({
      header: table.columns[i]!.header,
      width: table.columns[i]!.width,
      align: table.columns[i]!.numFmt ? 'right' : 'left',
    })),
    table.rows.map((r) => keep.map((i) => cellText(r[i] ?? null, table.columns[i]!.numFmt))),
    styles,
  );
}

function header(w: PdfWriter, run: PdfRun, subtitle: string, dataVersion: 'audited' | 'provisional'): void {
  const { locale } = run;
  const sep = locale === 'zh-CN' ? '：' : ': ';
  const lines = [
    `${subtitle} · ${t(locale, 'version', { n: run.version })}`,
    `${t(locale, 'dataVersion')}${sep}${t(locale, dataVersion)} · ${t(locale, 'produced')}${sep}${producedAtLabel(run.producedAt)}`,
  ];
  if (run.supersedes !== null) lines.push(t(locale, 'supersedes', { n: run.supersedes }));
  w.title(run.title, lines);
}

function chart(w: PdfWriter, run: PdfRun, id: string, caption?: string): void {
  const c = run.charts.find((x) => x.id === id);
  if (c) w.chart(c.svg, c.width, c.height, caption);
}

export function footer(run: PdfRun): (page: number, pages: number) => string {
  return (page, pages) =>
    run.locale === 'zh-CN'
      ? `${run.footerLabel}    第 ${page} 页 / 共 ${pages} 页`
      : `${run.footerLabel}    page ${page} of ${pages}`;
}

/**
 * The headline as the web page prints it: the spreadsheet's rows (so the numbers agree) plus the change on
 * last year and the verdict against the target, judged on the printed (rounded) value.
 */
function headline(w: PdfWriter, data: MonthlyReportData, locale: ReportLocale): void {
  const table = headlineTable(data, locale);
  const num = (v: Cell) => (typeof v === 'number' ? v : null);
  w.table(
    [
      ...table.columns.map((c, i) => ({
        header: c.header,
        width: i === 0 ? 0.36 : 0.12,
        align: (i === 0 ? 'left' : 'right') as PdfColumn['align'],
      })),
      { header: t(locale, 'yoy'), width: 0.1, align: 'right' },
      { header: t(locale, 'assessment'), width: 0.14, align: 'center' },
    ],
    table.rows.map((r) => {
      const [current, lastYear, target] = [num(r[1] ?? null), num(r[2] ?? null), num(r[3] ?? null)];
      const yoy = current !== null && lastYear ? ((current - lastYear) / lastYear) * 100 : null;
      const verdict =
        current === null || target === null ? DASH : t(locale, current <= target ? 'meets' : 'exceeds');
      return [
        ...r.map((v, i) =>
          i === 3 && v !== null ? `≤ ${cellText(v, undefined)}` : cellText(v, table.columns[i]!.numFmt),
        ),
        signedPct(yoy === null ? null : roundGbt8170(yoy, 1)),
        verdict,
      ];
    }),
  );
}

/** The summary on page 1: for each ranking, who ranks best and worst this month. */
function bestWorst(w: PdfWriter, data: MonthlyReportData, locale: ReportLocale): void {
  const sep = locale === 'zh-CN' ? '、' : ', ';
  const rows = data.rankings.map((r) => {
    const names = (mark: 'best' | 'worst') =>
      r.rows
        .filter((row) => row.mark === mark)
        .map((row) => `${areaName(row.area, locale)} ${fixed(row.value, r.metric.decimals)}`)
        .join(sep) || DASH;
    return [rankingTitle(r, locale), names('best'), names('worst')];
  });
  if (rows.length === 0) return;
  w.table(
    [
      { header: t(locale, 'indicator'), width: 0.3 },
      { header: t(locale, 'bestN', { n: 3 }), width: 0.35 },
      { header: t(locale, 'worstN', { n: 3 }), width: 0.35 },
    ],
    rows,
  );
}

function rankingTables(w: PdfWriter, data: MonthlyReportData, run: PdfRun): void {
  const { locale } = run;
  const range = ytdRange(data.month, locale);
  data.rankings.forEach((r, i) => {
    const d = r.metric.decimals;
    const name = rankingTitle(r, locale);
    w.heading(`${i + 1}. ${t(locale, 'rankingOf', { metric: name })}`, 2);
    w.note(`${t(locale, 'unitsRanked', { n: r.rankedCount })} · ${r.source}`);
    const columns: PdfColumn[] = [
      { header: t(locale, 'rank'), width: 0.05, align: 'center' },
      { header: t(locale, 'area'), width: 0.15 },
      {
        header: `${monthLabel(data.month, locale)}\n${unitOf(r.metric, locale)}`,
        width: 0.11,
        align: 'right',
      },
      { header: t(locale, 'momChange'), width: 0.17, align: 'right' },
      { header: t(locale, 'change'), width: 0.13, align: 'right' },
      { header: t(locale, 'ytd', { range }), width: 0.1, align: 'right' },
      { header: t(locale, 'ytdChange'), width: 0.09, align: 'right' },
      { header: t(locale, 'cityRank'), width: 0.1, align: 'center' },
      { header: t(locale, 'status'), width: 0.1, align: 'center' },
    ];
    const limit = monthlyLimitOf(data, r.metric.id);
    const styles: PdfRowStyle[] = [];
    const rows = r.rows.map((row) => {
      styles.push(row.mark ? { fill: ROW_FILL[row.mark] } : {});
      const mark = row.mark
        ? ` ${t(locale, row.mark === 'best' ? 'bestN' : 'worstN', { n: r.markCount })}`
        : '';
      const city = row.cityRank
        ? row.cityRank.ranked === null
          ? String(row.cityRank.rank)
          : `${row.cityRank.rank}/${row.cityRank.ranked}`
        : DASH;
      return [
        row.rank === null ? DASH : String(row.rank),
        `${areaName(row.area, locale)}${mark}`,
        row.value === null
          ? t(locale, 'noValue')
          : `${fixed(row.value, d)}${overLimit(row, limit) ? `\n${t(locale, 'overMonthlyLimit', { v: limit! })}` : ''}`,
        monthOnMonthText(row, d, locale, '\n'),
        yearOnYearText(row, d, locale),
        fixed(row.ytd, d),
        signedPct(row.ytdChangePct),
        city,
        row.status ? pick(locale, STATUS_LABELS[row.status.status]) : DASH,
      ];
    });
    w.table(columns, rows, styles);
    chart(w, run, `chart-rank-${r.metric.id}`);
  });
}

function districtTargets(w: PdfWriter, data: MonthlyReportData, locale: ReportLocale): void {
  if (data.districtTargets.length === 0) return w.paragraph(t(locale, 'noTargets'));
  w.table(
    [
      { header: t(locale, 'indicator'), width: 0.4 },
      { header: t(locale, 'period'), width: 0.12, align: 'center' },
      { header: t(locale, 'value'), width: 0.1, align: 'right' },
      { header: t(locale, 'threshold'), width: 0.1, align: 'right' },
      { header: t(locale, 'status'), width: 0.12, align: 'center' },
      { header: t(locale, 'asOf'), width: 0.16, align: 'center' },
    ],
    data.districtTargets.map((d) => [
      `${locale === 'zh-CN' ? d.titleZh : d.titleEn}\n${d.targetId} · ${d.source}`,
      d.periodKey,
      fixed(d.value, 1),
      fixed(d.threshold, 1),
      pick(locale, STATUS_LABELS[d.status]),
      d.asOf,
    ]),
  );
}

function alerts(w: PdfWriter, data: MonthlyReportData, locale: ReportLocale): void {
  if (data.alerts.length === 0) return w.paragraph(t(locale, 'noAlerts'));
  w.table(
    [
      { header: t(locale, 'severity'), width: 0.1, align: 'center' },
      { header: t(locale, 'title'), width: 0.4 },
      { header: t(locale, 'subject'), width: 0.14 },
      { header: t(locale, 'state'), width: 0.1, align: 'center' },
      { header: t(locale, 'opened'), width: 0.14, align: 'center' },
      { header: t(locale, 'acknowledged'), width: 0.12, align: 'center' },
    ],
    data.alerts.map((a) => [
      pick(locale, SEVERITY_LABELS[a.severity]),
      locale === 'zh-CN' ? a.titleZh : a.titleEn,
      a.scopeName ? pick(locale, a.scopeName) : DASH,
      pick(locale, ALERT_STATE_LABELS[a.state]),
      formatShanghai(new Date(a.openedAt), 'yyyy-MM-dd HH:mm'),
      a.acknowledgedAt ? formatShanghai(new Date(a.acknowledgedAt), 'MM-dd HH:mm') : DASH,
    ]),
  );
}

export async function monthlyPdf(data: MonthlyReportData, run: PdfRun): Promise<Buffer> {
  const { locale } = run;
  const w = await PdfWriter.open({ title: run.title, producedAt: run.producedAt, lang: locale });
  header(w, run, `${districtName(data.scope, locale)} · ${monthLabel(data.month, locale)}`, data.dataVersion);
  w.note(t(locale, 'basis'));
  w.heading(t(locale, 'headline'));
  headline(w, data, locale);
  if (data.headline.targetSource) w.note(`${t(locale, 'targetSource')}: ${data.headline.targetSource}`);
  bestWorst(w, data, locale);
  w.doc.addPage();
  w.heading(t(locale, 'charts'));
  chart(w, run, 'chart-pm25-monthly', t(locale, 'chartMonthly', { year: data.year }));
  chart(w, run, 'chart-pm25-daily', t(locale, 'chartDaily', { month: monthLabel(data.month, locale) }));
  w.heading(t(locale, 'rankings'));
  w.note(t(locale, 'rankingNote'));
  rankingTables(w, data, run);
  w.heading(t(locale, 'districtTargets'));
  districtTargets(w, data, locale);
  w.heading(t(locale, 'water'));
  if (data.water.length === 0) w.paragraph(t(locale, 'noSections'));
  else {
    // Column 4 is the class as a number, for spreadsheets only.
    sharedTable(w, waterTable(data.water, locale, ''), new Set([4]));
    chart(w, run, 'chart-water-classes');
  }
  w.heading(t(locale, 'alerts'));
  alerts(w, data, locale);
  return w.finish(footer(run));
}

export async function waterBulletinPdf(data: WaterBulletinData, run: PdfRun): Promise<Buffer> {
  const { locale } = run;
  const w = await PdfWriter.open({ title: run.title, producedAt: run.producedAt, lang: locale });
  header(
    w,
    run,
    `${districtName(data.scope, locale)} · ${quarterLabel(data.quarter, locale)}`,
    data.dataVersion,
  );
  w.note(t(locale, 'waterRankNote'));
  w.note(t(locale, 'assessedAreas', { n: data.assessedAreas }));
  if (data.worst.length === 0) w.paragraph(t(locale, 'noAssessed'));
  else {
    sharedTable(w, waterBulletinTable(data, locale));
    w.heading(locale === 'zh-CN' ? '断面明细' : 'Sections');
    sharedTable(
      w,
      waterTable(
        data.worst.flatMap((x) => x.sections),
        locale,
        '',
      ),
      new Set([4]),
    );
  }
  return w.finish(footer(run));
}
