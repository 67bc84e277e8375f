/**
 * Rows of a CSV or XLSX file as strings, streamed: memory does not grow with the file. CSV files saved by
 * Excel on Chinese Windows are GB18030 ("ANSI"), not UTF-8; the encoding is sniffed from the first 64 KB.
 * XLSX is read every sheet in turn — whole when small, with exceljs' streaming reader when large (see
 * XLSX_STREAM_ABOVE_BYTES); dates come back as the wall-clock text Excel shows (a cell has no zone), numbers as
 * their shortest decimal text.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type ExcelJS from 'exceljs';
import { EmptyFileError, EnvwatchError, ValidationError } from '../../errors.js';
import { ingestLimits, xlsxZipBounds } from '../limits.js';
import { CsvSplitter, isRefusedLine, type CsvRecord, type RefusedLine } from './csv-splitter.js';
import { assertZipWithinBounds } from './zip-bounds.js';

export interface TableRow {
  sheet: string | null;
  /** 1-based row in the sheet or record in the CSV file (the header row is 1 when it is the first). */
  rowNumber: number;
  cells: string[];
  /** A line the reader refused (past a bound, an unclosed quote): no cells, the reason instead. */
  refused?: RefusedLine;
}

export type TableFileType = 'csv' | 'xlsx';

/** Counts the bytes of a CSV file read so far (XLSX is unzipped by exceljs and not counted). */
export interface ByteCounter {
  bytesRead: number;
}

export function tableFileType(file: string): TableFileType {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.txt') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  if (ext === '.xls')
    throw new ValidationError(`${path.basename(file)}: the old .xls format is not read; save it as .xlsx`);
  throw new ValidationError(`${path.basename(file)}: not a .csv or .xlsx file`);
}

/**
 * Rows in chunks (one per read of the file, about a thousand rows): the bulk path handles a chunk without an
 * await per row. A file that cannot be parsed (an unclosed quote, a corrupt workbook) will not parse better
 * on a retry: reading errors become a ValidationError naming the file, which the adapter treats as permanent.
 */
export async function* readTableRowChunks(
  file: string,
  bytes?: ByteCounter,
  /** Only the first rows will be read (format detection): a workbook is streamed, never loaded whole. */
  opts: { head?: boolean } = {},
): AsyncGenerator<TableRow[]> {
  const type = tableFileType(file);
  await assertFileWithinBounds(file, type);
  let rows = 0;
  try {
    const chunks =
      type === 'csv'
        ? readCsvChunks(file, bytes)
        : readXlsxChunks(file, opts.head ? 0 : XLSX_STREAM_ABOVE_BYTES);
    for await (const chunk of chunks) {
      rows += chunk.length;
      yield chunk;
    }
  } catch (err) {
    if (err instanceof ValidationError || err instanceof XlsxReadRaceError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new ValidationError(
      `${path.basename(file)}: cannot be read as ${type.toUpperCase()}: ${message}`,
      [],
      { cause: err },
    );
  }
  // Every file door reads through here: a file without a row is refused the same way everywhere.
  if (rows === 0) throw new EmptyFileError(path.basename(file), 'noRows');
}

/** Refuses, before reading a byte of content, a file past INGEST_MAX_FILE_MB or an XLSX that would inflate past its bounds. */
async function assertFileWithinBounds(file: string, type: TableFileType): Promise<void> {
  const limits = ingestLimits();
  const { size } = await stat(file);
  if (size > limits.maxFileBytes) {
    const mb = (n: number) => (n / (1024 * 1024)).toFixed(0);
    throw new ValidationError(
      `${path.basename(file)}: ${mb(size)} MB, past INGEST_MAX_FILE_MB ${mb(limits.maxFileBytes)}; refused unread`,
      [{ path: 'file', reason: 'INGEST_MAX_FILE_MB' }],
    );
  }
  if (type === 'xlsx') await assertZipWithinBounds(file, xlsxZipBounds());
}

export async function* readTableRows(file: string, opts: { head?: boolean } = {}): AsyncGenerator<TableRow> {
  for await (const chunk of readTableRowChunks(file, undefined, opts)) yield* chunk;
}

export async function sniffEncoding(file: string): Promise<'utf-8' | 'gb18030'> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    try {
      // stream: true, so a multi-byte character cut at the 64 KB boundary is not taken for invalid UTF-8.
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, bytesRead), { stream: true });
      return 'utf-8';
    } catch {
      return 'gb18030';
    }
  } finally {
    await handle.close();
  }
}

async function* readCsvChunks(file: string, bytes?: ByteCounter): AsyncGenerator<TableRow[]> {
  const decoder = new TextDecoder(await sniffEncoding(file));
  const splitter = new CsvSplitter(',', ingestLimits());
  let n = 0;
  const rows = (records: CsvRecord[]): TableRow[] =>
    records.map((r) =>
      isRefusedLine(r)
        ? { sheet: null, rowNumber: ++n, cells: [], refused: r }
        : { sheet: null, rowNumber: ++n, cells: r },
    );
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 })) {
    if (bytes) bytes.bytesRead += (chunk as Buffer).length;
    const out = rows(splitter.push(decoder.decode(chunk as Buffer, { stream: true })));
    if (out.length > 0) yield out;
  }
  const last = rows([...splitter.push(decoder.decode()), ...splitter.end()]);
  if (last.length > 0) yield last;
}

/**
 * exceljs' streaming reader has races in how it walks the ZIP's entries (exceljs PR #2874 and #2915, open
 * upstream): now and then, under load, a sheet is parsed before its shared strings and its text cells come back
 * as `{ sharedString: n }`. The demo saw it as a monthly workbook refused for "no header row naming the
 * street/town column", about once in four runs. Workbooks up to this size are therefore read whole (exceljs'
 * ZIP reader, no race; a few MB of memory), and only larger ones are streamed — where a cell the race left
 * unresolved is looked up again and, if still unknown, the file is given back for a retry, never refused.
 */
export const XLSX_STREAM_ABOVE_BYTES = 16 * 1024 * 1024;

/** A streamed workbook met a shared string the reader had not loaded yet (the race above): worth a retry. */
export class XlsxReadRaceError extends EnvwatchError {
  readonly code = 'XLSX_READ_RACE';
}

export async function* readXlsxChunks(
  file: string,
  streamAboveBytes = XLSX_STREAM_ABOVE_BYTES,
): AsyncGenerator<TableRow[]> {
  // Loaded on the first workbook: exceljs and its dependencies add ~20 MB of RSS to a process, which a CSV
  // load (the bulk path's usual input) has no use for.
  const { default: Excel } = await import('exceljs');
  const { size } = await stat(file);
  if (size <= streamAboveBytes) {
    const wb = new Excel.Workbook();
    await wb.xlsx.readFile(file);
    let chunk: TableRow[] = [];
    for (const ws of wb.worksheets) {
      const rows: TableRow[] = [];
      ws.eachRow((row) => rows.push({ sheet: ws.name, rowNumber: row.number, cells: rowCells(row) }));
      for (const r of rows) {
        if (r.cells.every((c) => c === '')) continue;
        chunk.push(r);
        if (chunk.length >= 1000) {
          yield chunk;
          chunk = [];
        }
      }
    }
    if (chunk.length > 0) yield chunk;
    return;
  }
  const reader = new Excel.stream.xlsx.WorkbookReader(file, {
    entries: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // needed to tell a date cell from a number
    hyperlinks: 'ignore',
    worksheets: 'emit',
  });
  // exceljs parses a worksheet as soon as it meets it once the shared strings and relationships are known, and
  // looks its name up in xl/workbook.xml, which a ZIP may hold after the sheets (OPC prescribes no order;
  // exceljs' own writer puts it last, and its parallel writes move the shared strings before the sheet now and
  // then). Without a model it throws "reading 'sheets'" (exceljs#962); with this seed such a sheet keeps the
  // reader's default name, Sheet<n>.
  (reader as unknown as { model?: { sheets: unknown[] } }).model = { sheets: [] };
  const shared = () => (reader as unknown as { sharedStrings?: unknown[] }).sharedStrings;
  let chunk: TableRow[] = [];
  for await (const sheet of reader) {
    const ws = sheet as unknown as AsyncIterable<ExcelJS.Row> & { name?: string };
    // One lookup per sheet, not per row: this loop runs for every row of a large workbook.
    let rowNumber = 0;
    const lookup = sharedStringLookup(
      shared,
      () => `${path.basename(file)}: sheet ${ws.name ?? '?'} row ${rowNumber}`,
    );
    for await (const row of ws) {
      rowNumber = row.number;
      const cells = rowCells(row, lookup);
      if (cells.every((c) => c === '')) continue;
      chunk.push({ sheet: ws.name ?? null, rowNumber: row.number, cells });
      if (chunk.length >= 1000) {
        yield chunk;
        chunk = [];
      }
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Looks a shared string up in what the streaming reader has loaded; unknown → XlsxReadRaceError (retry). */
export function sharedStringLookup(
  loaded: () => unknown[] | undefined,
  /** Named only when the lookup fails: a function, so the hot path builds no string per row. */
  where: string | (() => string),
): (n: number) => unknown {
  return (n) => {
    const text = loaded()?.[n];
    if (text === undefined)
      throw new XlsxReadRaceError(
        `${typeof where === 'string' ? where : where()} refers to shared string ${n}, which the streaming reader had not loaded (exceljs race); ` +
          'the file is read again',
      );
    return text;
  };
}

/** A row's cells as text; `sharedString` resolves a cell the streaming reader left as `{ sharedString: n }`. */
export function rowCells(row: Pick<ExcelJS.Row, 'values'>, sharedString?: (n: number) => unknown): string[] {
  const values = row.values as unknown[];
  const cells: string[] = [];
  // row.values is 1-based (index 0 is empty).
  for (let i = 1; i < values.length; i++) {
    const v = values[i];
    const value =
      sharedString && typeof v === 'object' && v !== null && 'sharedString' in v
        ? sharedString(Number((v as { sharedString: unknown }).sharedString))
        : v;
    cells.push(cellText(value));
  }
  return cells;
}

export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) return formatExcelDate(v);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText))
      return o.richText
        .map((r: { text?: string }) => r.text ?? '')
        .join('')
        .trim();
    if ('result' in o) return cellText(o.result);
    if ('text' in o) return cellText(o.text);
    if ('error' in o) return String(o.error);
  }
  return String(v);
}

/** exceljs gives Excel's wall clock as a UTC Date; print it back as the wall clock, without a zone. */
function formatExcelDate(d: Date): string {
  const iso = d.toISOString();
  const day = iso.slice(0, 10);
  const time = iso.slice(11, 19);
  return time === '00:00:00' ? day : `${day} ${time}`;
}
