/**
 * The 台账's second sheet, 指标 (issue 16 item 4): one row per manual indicator a unit reports, with the
 * requirement and last value, for the unit to fill in the month's value beside its progress. The import
 * reads it back by header like the 台账 sheet; each row goes through the same verb as the API.
 */
import type ExcelJS from 'exceljs';
import type pg from 'pg';
import type { Actor } from '../../auth/audit-log.js';
import type { Principal } from '../../auth/principal.js';
import { ForbiddenError, NotFoundError, type EnvwatchError } from '../../errors.js';
import type { Refusal } from '../ledger-queries.js';
import type { IndicatorRow } from './indicator-queries.js';
import { importRow } from '../import-row.js';
import { reportIndicator } from './report-indicator.js';
import { cellText, headerColumns } from '../xlsx-cells.js';

export const INDICATOR_SHEET = '指标';

export interface IndicatorLedgerRow extends IndicatorRow {
  reported: { month: string; value: number; note: string } | null;
}

const COLUMNS = [
  { key: 'target', header: '指标编号', width: 16 },
  { key: 'title', header: '指标', width: 34 },
  { key: 'scope', header: '范围编号', width: 12 },
  { key: 'scopeName', header: '范围', width: 12 },
  { key: 'unit', header: '责任单位编号', width: 18 },
  { key: 'unitName', header: '责任单位', width: 20 },
  { key: 'requirement', header: '要求', width: 16 },
  { key: 'month', header: '月份', width: 10 },
  { key: 'value', header: '本月数值', width: 12 },
  { key: 'note', header: '说明', width: 40 },
  { key: 'last', header: '上次填报', width: 18 },
  { key: 'source', header: '出处', width: 18 },
] as const;
type Key = (typeof COLUMNS)[number]['key'];
const REQUIRED: Key[] = ['target', 'unit', 'month', 'value'];

function requirement(i: IndicatorRow): string {
  const unit = i.unit === '%' ? '%' : i.unit_zh;
  return i.min !== null ? `≥ ${i.min}${unit}` : `≤ ${i.max}${unit}`;
}

export function addIndicatorSheet(
  wb: ExcelJS.Workbook,
  rows: readonly IndicatorLedgerRow[],
  month: string,
): void {
  if (rows.length === 0) return;
  const ws = wb.addWorksheet(INDICATOR_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  ws.getRow(1).font = { bold: true };
  for (const i of rows) {
    const current = i.reported !== null && i.reported.month === month;
    ws.addRow({
      target: i.target_id,
      title: i.title_zh,
      scope: i.scope_id,
      scopeName: i.scope_zh,
      unit: i.unit_id,
      unitName: i.unit_name_zh,
      requirement: requirement(i),
      month,
      value: current ? i.reported!.value : null,
      note: current ? i.reported!.note : '',
      last:
        i.reported === null
          ? ''
          : `${i.reported.month}: ${i.reported.value}${i.unit === '%' ? '%' : i.unit_zh}`,
      source: i.source,
    });
  }
}

function indicatorRefusal(err: EnvwatchError): { code: string; detail: string } {
  const code =
    err instanceof NotFoundError
      ? 'UNKNOWN_TASK'
      : err instanceof ForbiddenError
        ? 'NOT_YOUR_UNIT'
        : 'INVALID_VALUE';
  return { code, detail: `${INDICATOR_SHEET}: ${err.message}` };
}

export interface IndicatorImport {
  received: number;
  accepted: number;
  skipped: number;
  refusals: Refusal[];
}

/** Reads the 指标 sheet of an already loaded workbook (none: nothing to do) and reports each filled row. */
export async function importIndicatorSheet(
  pool: pg.Pool,
  actor: Actor,
  p: Principal,
  wb: ExcelJS.Workbook,
  today: string,
): Promise<IndicatorImport> {
  const out: IndicatorImport = { received: 0, accepted: 0, skipped: 0, refusals: [] };
  const ws = wb.getWorksheet(INDICATOR_SHEET);
  if (ws === undefined) return out;
  const { headers, colOf } = headerColumns<Key>(ws, COLUMNS);
  const missing = REQUIRED.filter((k) => !colOf.has(k));
  const rows: { rowNumber: number; raw: Record<string, string>; v: Record<Key, string> }[] = [];
  ws.eachRow((row, rowNumber) => {
    if (rowNumber === 1) return;
    const raw: Record<string, string> = { 工作表: INDICATOR_SHEET };
    for (const [col, header] of headers) raw[header] = cellText(row.getCell(col).value);
    const v = Object.fromEntries(
      COLUMNS.map((c) => [c.key, colOf.has(c.key) ? cellText(row.getCell(colOf.get(c.key)!).value) : '']),
    ) as Record<Key, string>;
    if (Object.values(v).some((x) => x !== '')) rows.push({ rowNumber, raw, v });
  });
  for (const { rowNumber, raw, v } of rows) {
    out.received++;
    if (missing.length > 0) {
      out.refusals.push({
        rowNumber,
        raw,
        reasonCode: 'INVALID_VALUE',
        reasonDetail: `sheet ${INDICATOR_SHEET} lacks the column(s) ${missing.map((k) => COLUMNS.find((c) => c.key === k)!.header).join('、')}`,
      });
      continue;
    }
    if (v.value === '') {
      out.skipped++;
      continue;
    }
    const refusal = await importRow({ rowNumber, raw }, indicatorRefusal, () =>
      reportIndicator(pool, actor, p, {
        targetId: v.target,
        unitId: v.unit,
        month: v.month,
        input: { value: v.value, note: v.note, scope: v.scope || undefined },
        via: 'xlsx',
        today,
      }),
    );
    if (refusal === null) out.accepted++;
    else out.refusals.push(refusal);
  }
  return out;
}
