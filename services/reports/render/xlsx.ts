/**
 * XLSX: a sheet per ranking plus the headline, water sections, district targets and alerts. Numbers are
 * stored as numbers with a number format (officials re-sort and chart them), never as formatted text.
 */
import { stampZipTimes } from './stable-bytes.js';
import ExcelJS from 'exceljs';
import type {
  DataVersion,
  MonthlyReportData,
  ReportLocale,
  TaskDispatchData,
  WaterBulletinData,
} from '../report-types.js';
import {
  dispatchIndicatorTable,
  dispatchOverdueTable,
  dispatchSummaryTable,
  dispatchUnitTable,
} from './dispatch-tables.js';
import { headlineTable, rankingTable, waterBulletinTable, waterTable, type Table } from './table-rows.js';
import { t } from './labels.js';

/** Excel refuses sheet names over 31 characters or containing []:*?/\ . */
export function sheetName(name: string, taken: Set<string>): string {
  const base =
    name
      .replace(/[[\]:*?/\\]/g, ' ')
      .slice(0, 31)
      .trim() || 'Sheet';
  let candidate = base;
  for (let i = 2; taken.has(candidate); i++) candidate = `${base.slice(0, 28)} ${i}`;
  taken.add(candidate);
  return candidate;
}

function addTable(wb: ExcelJS.Workbook, table: Table, taken: Set<string>, caption: string[]): void {
  const ws = wb.addWorksheet(sheetName(table.name, taken), {
    views: [{ state: 'frozen', ySplit: caption.length + 1 }],
  });
  for (const line of caption) ws.addRow([line]).font = { bold: line === caption[0] };
  const header = ws.addRow(table.columns.map((c) => c.header));
  header.font = { bold: true, color: { argb: 'FFFFFFFF' } };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E79' } };
  header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  table.columns.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    col.width = c.width;
    if (c.numFmt) col.numFmt = c.numFmt;
  });
  for (const row of table.rows) ws.addRow(row.map((v) => (v === null ? null : v)));
}

/** A workbook whose every sheet starts with the report's title and data version (one sheet per table). */
export interface XlsxMeta {
  title: string;
  version: number;
  /** Stamped as the workbook's created/modified time and its zip entries' times: same report, same bytes. */
  producedAt: Date;
}

/**
 * The workbook of the given tables, one sheet each. `dataVersion` null: the report is not of measured data (the
 * 调度 report), its caption omits the line.
 */
async function writeBook(
  locale: ReportLocale,
  meta: XlsxMeta,
  dataVersion: DataVersion | null,
  tables: readonly Table[],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'envwatch';
  wb.created = meta.producedAt;
  wb.modified = meta.producedAt;
  wb.title = meta.title;
  const taken = new Set<string>();
  const caption = [
    meta.title,
    dataVersion === null
      ? t(locale, 'version', { n: meta.version })
      : `${t(locale, 'dataVersion')}: ${t(locale, dataVersion)} · ${t(locale, 'version', { n: meta.version })}`,
  ];
  for (const table of tables) addTable(wb, table, taken, caption);
  return stampZipTimes(Buffer.from(await wb.xlsx.writeBuffer()), meta.producedAt);
}

export async function renderMonthlyXlsx(
  data: MonthlyReportData,
  locale: ReportLocale,
  meta: XlsxMeta,
): Promise<Buffer> {
  return writeBook(locale, meta, data.dataVersion, [
    headlineTable(data, locale),
    ...data.rankings.map((r) => rankingTable(data, r, locale)),
    waterTable(data.water, locale, locale === 'zh-CN' ? '地表水断面' : 'Water sections'),
  ]);
}

export async function renderWaterBulletinXlsx(
  data: WaterBulletinData,
  locale: ReportLocale,
  meta: XlsxMeta,
): Promise<Buffer> {
  return writeBook(locale, meta, data.dataVersion, [
    waterBulletinTable(data, locale),
    waterTable(
      data.worst.flatMap((w) => w.sections),
      locale,
      locale === 'zh-CN' ? '断面明细' : 'Sections',
    ),
  ]);
}

/** The 调度 report: the summary, a sheet per plan of its units, the overdue tasks, the manual indicators. */
export async function renderDispatchXlsx(
  data: TaskDispatchData,
  locale: ReportLocale,
  meta: XlsxMeta,
): Promise<Buffer> {
  return writeBook(locale, meta, null, [
    dispatchSummaryTable(data, locale),
    ...data.plans.map((p) => dispatchUnitTable(p, locale)),
    dispatchOverdueTable(data, locale),
    dispatchIndicatorTable(data, locale),
  ]);
}
