/**
 * The wide tables officials keep: one row per street/town (per month), one column per metric, the unit in
 * the column header (examples/ingest/README.md):
 *
 *   2024年3月各街道乡镇降尘量及道路尘负荷          ← optional title rows (the month may be given here)
 *   序号 | 街道乡镇 | 月份    | 降尘量（吨/平方公里·月） | 道路尘负荷(g/m²)
 *   1    | 北苑街道 | 2024-03 | 5.2                      | 0.41
 *
 * Every value cell becomes one measurement record (time = the month, series = the street/town, metric = the
 * column, unit = the header's unit). The month comes from a month column, else from a title row, else from the
 * file name. Empty cells and "—", "/", "无" mean not measured and are not records. Summary rows (合计, 平均,
 * 全区…) are derived figures envwatch computes itself and are not read. Columns such as 序号 and 备注 are not
 * metrics; any other column is, and an unknown one is refused cell by cell as UNKNOWN_METRIC, not ignored.
 */
import path from 'node:path';
import { EmptyFileError, ValidationError } from '../../errors.js';
import type { SourceRecord } from '../record-kind.js';
import type { RawMeasurement } from '../validate-measurement.js';
import { LONG_COLUMNS } from './long-format.js';
import { normaliseHeader, splitHeader, type ReadNotes } from './record-table.js';
import { readTableRows } from './table-reader.js';

const AREA_HEADERS = [
  '街道乡镇',
  '街乡镇',
  '街道(乡镇)',
  '街道',
  '乡镇',
  '单位名称',
  '名称',
  'area',
  'street',
  'town',
];
const MONTH_HEADERS = ['月份', '月', '时间', '期间', '统计月份', 'month', 'period'];
const NOT_METRICS = [
  '序号',
  '编号',
  '备注',
  '说明',
  '区',
  '排名',
  '名次',
  'no',
  'no.',
  'note',
  'remark',
  'district',
  'rank',
];
const NOT_A_VALUE = new Set(['', '-', '—', '--', '——', '/', '无', 'n/a', 'na', '未监测', '未检测']);
const SUMMARY_ROWS = new Set([
  '合计',
  '总计',
  '小计',
  '平均',
  '平均值',
  '均值',
  '全区',
  '全区平均',
  '全区合计',
  '全区均值',
]);
const MONTH_IN_TEXT = /(\d{4})\s*(?:年|-|\/|\.)\s*(\d{1,2})\s*月?/u;
const HEADER_SCAN_ROWS = 20;

interface WideHeader {
  areaIndex: number;
  monthIndex: number | null;
  metrics: { index: number; name: string; unit: string | null; header: string }[];
}

function matchesAny(cell: string, names: readonly string[]): boolean {
  const key = normaliseHeader(splitHeader(cell).name);
  return names.some((n) => normaliseHeader(n) === key);
}

/**
 * A row naming a metric column and a value column heads a table of one measurement per row (the long format),
 * even when it also has a street/town and a month column: read as wide, its "metric", "value" and "unit"
 * columns would be refused cell by cell as unknown metrics.
 */
export function looksLong(cells: readonly string[]): boolean {
  return (
    cells.some((c) => matchesAny(c, LONG_COLUMNS.metric.names)) &&
    cells.some((c) => matchesAny(c, LONG_COLUMNS.value.names))
  );
}

function parseWideHeader(cells: readonly string[]): WideHeader | null {
  if (looksLong(cells)) return null;
  const areaIndex = cells.findIndex((c) => matchesAny(c, AREA_HEADERS));
  if (areaIndex === -1) return null;
  const monthIndex = cells.findIndex((c, i) => i !== areaIndex && matchesAny(c, MONTH_HEADERS));
  const metrics: WideHeader['metrics'] = [];
  cells.forEach((cell, index) => {
    if (index === areaIndex || index === monthIndex || cell.trim() === '' || matchesAny(cell, NOT_METRICS))
      return;
    const { name, note } = splitHeader(cell);
    metrics.push({ index, name, unit: note, header: cell });
  });
  return metrics.length > 0
    ? { areaIndex, monthIndex: monthIndex === -1 ? null : monthIndex, metrics }
    : null;
}

/** "2024年3月", "2024-03" anywhere in a title or file name → "2024-03". */
export function monthInText(text: string): string | null {
  const m = MONTH_IN_TEXT.exec(text.normalize('NFKC'));
  if (!m) return null;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? `${m[1]}-${String(month).padStart(2, '0')}` : null;
}

function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export async function* readWideFile(
  file: string,
  notes?: ReadNotes,
): AsyncGenerator<SourceRecord<RawMeasurement>> {
  let sheet: string | null | undefined;
  let header: WideHeader | null = null;
  let titleMonth: string | null = null;
  let scanned = 0;
  let dataRows = 0;
  const fileMonth = monthInText(path.basename(file));
  const where = (s: string | null | undefined) => `${path.basename(file)}${s ? ` [${s}]` : ''}`;
  for await (const r of readTableRows(file)) {
    if (r.sheet !== sheet) {
      if (sheet !== undefined && !header) throw noHeader(where(sheet));
      sheet = r.sheet;
      header = null;
      titleMonth = null;
      scanned = 0;
    }
    if (!header) {
      scanned += 1;
      header = parseWideHeader(r.cells);
      if (!header && looksLong(r.cells)) throw longNotWide(where(sheet), r.rowNumber);
      if (!header) {
        titleMonth ??= monthInText(r.cells.join(' '));
        if (scanned >= HEADER_SCAN_ROWS) throw noHeader(where(sheet));
        continue;
      }
      // 序号 numbers rows; 备注, 区, 排名 … are read by no one: worth a word.
      notes?.noteUnused(
        r.sheet,
        r.cells.filter(
          (c) => c !== '' && matchesAny(c, NOT_METRICS) && !matchesAny(c, ['序号', 'no', 'no.']),
        ),
      );
      if (header.monthIndex === null && !titleMonth && !fileMonth) {
        throw new ValidationError(
          `${where(sheet)}: no month column, and no month (2024年3月) in a title row or the file name`,
        );
      }
      continue;
    }
    dataRows += 1;
    const area = (r.cells[header.areaIndex] ?? '').trim();
    if (area === '' || SUMMARY_ROWS.has(area.normalize('NFKC').replace(/\s+/g, ''))) continue;
    const month =
      header.monthIndex !== null ? (r.cells[header.monthIndex] ?? '').trim() : (titleMonth ?? fileMonth)!;
    for (const m of header.metrics) {
      const cell = (r.cells[m.index] ?? '').trim();
      if (NOT_A_VALUE.has(cell.toLowerCase())) continue;
      yield {
        row: r.rowNumber,
        raw: {
          time: month,
          series: area,
          metric: m.name,
          value: cell,
          unit: m.unit,
          at: `${r.sheet ? `${r.sheet}!` : ''}${columnLetter(m.index)}${r.rowNumber} (${m.header})`,
        },
      };
    }
  }
  if (sheet !== undefined && !header) throw noHeader(where(sheet));
  if (dataRows === 0) throw new EmptyFileError(path.basename(file), 'headerOnly');
}

function longNotWide(where: string, row: number): ValidationError {
  return new ValidationError(
    `${where}: row ${row} has a metric column and a value column — one measurement per row, the long format ` +
      `(time/月份, series/街道乡镇, metric/指标, value/数值), not the wide one (a column per metric); ` +
      `ingest it as long (--format long, or format: long in config/sources.yaml)`,
    [{ path: `${where}!${row}`, reason: 'long-format header given to the wide reader' }],
  );
}

function noHeader(where: string): ValidationError {
  return new ValidationError(
    `${where}: no header row naming the street/town column (${AREA_HEADERS.slice(0, 3).join(' / ')}) and at least one metric column`,
  );
}

/** Whether a row is the header of a wide table (format detection). */
export function isWideHeader(cells: readonly string[]): boolean {
  return parseWideHeader(cells) !== null;
}

/** What keeps a row from heading a wide table, for the message of a file that matches no format. */
export function wideHeaderLacks(cells: readonly string[]): string[] {
  if (looksLong(cells))
    return ['a header without metric/指标 + value/数值 columns (with them it is a long table)'];
  if (!cells.some((c) => matchesAny(c, AREA_HEADERS)))
    return [`street/town (${AREA_HEADERS.slice(0, 3).join(' / ')})`];
  return parseWideHeader(cells) ? [] : ['a metric column (降尘量（吨/平方公里·月）…)'];
}
