/**
 * CSV: one long table (a row per unit and metric) so it loads into any tool. UTF-8 with a byte-order mark
 * and CRLF line ends: without the BOM, Excel on Chinese Windows reads UTF-8 as GBK and garbles every name.
 */
import type {
  MonthlyReportData,
  ReportLocale,
  TaskDispatchData,
  WaterBulletinData,
} from '../report-types.js';
import { dispatchUnitTable, planName } from './dispatch-tables.js';
import { rankingTable, rankingTitle, waterBulletinTable, type Cell } from './table-rows.js';

const BOM = '\uFEFF';

export function csvField(v: Cell): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(v) : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(header: string[], rows: Cell[][]): Buffer {
  const lines = [header, ...rows].map((r) => r.map(csvField).join(','));
  return Buffer.from(BOM + lines.join('\r\n') + '\r\n', 'utf8');
}

export function renderMonthlyCsv(data: MonthlyReportData, locale: ReportLocale): Buffer {
  const first = data.rankings[0];
  if (!first) return toCsv([locale === 'zh-CN' ? '指标' : 'Metric'], []);
  // The month column's header names the first metric's unit; in the long table the unit has its own column.
  const header = [
    locale === 'zh-CN' ? '指标' : 'Metric',
    locale === 'zh-CN' ? '单位' : 'Unit',
    ...rankingTable(data, first, locale).columns.map((c, i) =>
      i === 3 ? c.header.replace(/ \(.*\)$/, '') : c.header,
    ),
  ];
  const rows = data.rankings.flatMap((r) => {
    const table = rankingTable(data, r, locale);
    return table.rows.map((row) => [rankingTitle(r, locale), r.metric.unit, ...row]);
  });
  return toCsv(header, rows);
}

export function renderWaterBulletinCsv(data: WaterBulletinData, locale: ReportLocale): Buffer {
  const table = waterBulletinTable(data, locale);
  return toCsv(
    table.columns.map((c) => c.header),
    table.rows,
  );
}

/** The 调度 report as one long table: a row per plan and unit (the overdue list is in the XLSX and PDF). */
export function renderDispatchCsv(data: TaskDispatchData, locale: ReportLocale): Buffer {
  const plan = locale === 'zh-CN' ? '行动计划' : 'Plan';
  const first = data.plans[0];
  if (!first) return toCsv([plan], []);
  const header = [plan, ...dispatchUnitTable(first, locale).columns.map((c) => c.header)];
  const rows = data.plans.flatMap((p) =>
    dispatchUnitTable(p, locale).rows.map((r) => [planName(p, locale), ...r]),
  );
  return toCsv(header, rows);
}
