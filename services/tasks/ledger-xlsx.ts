/**
 * The monthly 台账 as a workbook: the export is the template a unit fills in (one row per task and
 * responsible unit, its status and note pre-filled from its latest report), and the import reads the same
 * columns back by their header, so a unit may reorder or hide columns. The status column offers the five
 * words of the label catalogue as a drop-down.
 */
import ExcelJS from 'exceljs';
import { EmptyFileError, ValidationError } from '../errors.js';
import { TASK_PROGRESS_LABELS } from '../labels/catalogue.js';
import { addIndicatorSheet, INDICATOR_SHEET, type IndicatorLedgerRow } from './indicators/indicator-sheet.js';
import type { LedgerRow } from './ledger-queries.js';
import { cellText, headerColumns } from './xlsx-cells.js';
import { PROGRESS_STATUSES, type ProgressStatus } from './progress-queries.js';

export const LEDGER_SHEET = '台账';

/** Headers as the bureau's 台账 writes them; `key` is how the import finds the column. */
export const LEDGER_COLUMNS = [
  { key: 'task', header: '任务编号', width: 16 },
  { key: 'plan', header: '计划', width: 14 },
  { key: 'section', header: '领域', width: 10 },
  { key: 'seq', header: '序号', width: 6 },
  { key: 'keyTask', header: '重点任务', width: 28 },
  { key: 'deadline', header: '完成时限', width: 14 },
  { key: 'unit', header: '责任单位编号', width: 18 },
  { key: 'unitName', header: '责任单位', width: 22 },
  { key: 'role', header: '职责', width: 8 },
  { key: 'month', header: '月份', width: 10 },
  { key: 'status', header: '进展状态', width: 12 },
  { key: 'note', header: '进展情况', width: 50 },
  { key: 'lastMonth', header: '上次上报月份', width: 14 },
] as const;
export type LedgerKey = (typeof LEDGER_COLUMNS)[number]['key'];
const REQUIRED: LedgerKey[] = ['task', 'unit', 'month', 'status', 'note'];

const ROLE_ZH = { main: '主责', assist: '协办' } as const;

export async function renderLedger(
  rows: readonly LedgerRow[],
  month: string,
  indicators: readonly IndicatorLedgerRow[] = [],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'envwatch';
  wb.title = `${month} 重点任务进展台账`;
  const ws = wb.addWorksheet(LEDGER_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = LEDGER_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) {
    ws.addRow({
      task: r.task_id,
      plan: r.plan_id,
      section: r.section,
      seq: r.seq,
      keyTask: r.key_task_zh,
      deadline: r.deadline_zh,
      unit: r.unit_id,
      unitName: r.unit_name_zh,
      role: ROLE_ZH[r.role],
      month,
      status: r.last_status === null ? '' : TASK_PROGRESS_LABELS[r.last_status as ProgressStatus].zh,
      note: r.last_note ?? '',
      lastMonth: r.last_month ?? '',
    });
  }
  const statusCol = LEDGER_COLUMNS.findIndex((c) => c.key === 'status') + 1;
  const words = PROGRESS_STATUSES.map((s) => TASK_PROGRESS_LABELS[s].zh).join(',');
  for (let i = 2; i <= rows.length + 1; i++) {
    ws.getCell(i, statusCol).dataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: [`"${words}"`],
      showErrorMessage: true,
      error: `进展状态：${words}`,
    };
  }
  // The unit's manual indicators on a sheet of their own (issue 16 item 4).
  addIndicatorSheet(wb, indicators, month);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface LedgerInputRow {
  rowNumber: number;
  raw: Record<string, string>;
  values: Record<LedgerKey, string>;
}

/**
 * The data rows of an uploaded 台账; a file without the required columns is refused whole, naming them, and an
 * empty one (no row at all, or only headers on both sheets) as at every ingestion door (EmptyFileError).
 */
export async function readLedger(bytes: Buffer, name: string): Promise<LedgerInputRow[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (err) {
    throw new ValidationError(`not an XLSX workbook: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (wb.worksheets.every((w) => w.actualRowCount === 0)) throw new EmptyFileError(name, 'noRows');
  const ws = wb.getWorksheet(LEDGER_SHEET) ?? wb.worksheets[0];
  if (ws === undefined) throw new ValidationError('the workbook has no sheet');
  const { headers, colOf } = headerColumns<LedgerKey>(ws, LEDGER_COLUMNS);
  const missing = REQUIRED.filter((k) => !colOf.has(k)).map(
    (k) => LEDGER_COLUMNS.find((c) => c.key === k)!.header,
  );
  if (missing.length > 0)
    throw new ValidationError(
      `sheet "${ws.name}" lacks the column(s) ${missing.join('、')} in its first row`,
    );
  const out: LedgerInputRow[] = [];
  ws.eachRow((row, rowNumber) => {
    if (rowNumber === 1) return;
    const raw: Record<string, string> = {};
    for (const [col, header] of headers) raw[header] = cellText(row.getCell(col).value);
    if (Object.values(raw).every((v) => v === '')) return;
    const values = Object.fromEntries(
      LEDGER_COLUMNS.map((c) => [
        c.key,
        colOf.has(c.key) ? cellText(row.getCell(colOf.get(c.key)!).value) : '',
      ]),
    ) as Record<LedgerKey, string>;
    out.push({ rowNumber, raw, values });
  });
  // The 指标 sheet is read by its own import; only when it has no data row either is the workbook empty.
  const indicators = wb.getWorksheet(INDICATOR_SHEET);
  if (out.length === 0 && (indicators === undefined || indicators.actualRowCount <= 1))
    throw new EmptyFileError(name, 'headerOnly');
  return out;
}
