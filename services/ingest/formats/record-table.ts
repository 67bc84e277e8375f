/**
 * Tables with one record per row and named columns (the long measurement format, rankings, sand-dust
 * periods, warnings). Column names are matched in Chinese or English, ignoring case, spaces and full-width
 * forms; a unit or zone in brackets after the name ("数值(μg/m³)", "时间(北京时间)") is read as a declaration
 * for the whole column. Title rows above the header are skipped: the header is the first row, within the
 * first 20 of a sheet, that names every required column. A sheet without one is an error naming the columns
 * it lacks — never silently skipped.
 */
import path from 'node:path';
import { EmptyFileError, ValidationError } from '../../errors.js';
import { normaliseZone } from '../parse-time.js';
import type { RefusedLine } from './csv-splitter.js';
import { readTableRowChunks, type ByteCounter } from './table-reader.js';

export interface ColumnSpec {
  /** Column names (any one), normalised on comparison. */
  names: readonly string[];
  required?: boolean;
}

export interface TableRecord<F extends string> {
  row: number;
  fields: Record<F, string>;
  /** A unit declared in a header's brackets, by field. */
  units: Partial<Record<F, string>>;
  /** A zone declared in a header's brackets ("(北京时间)", "(UTC+8)"), applying to every time column. */
  zone: string | null;
  at: string;
}

const HEADER_SCAN_ROWS = 20;

export function normaliseHeader(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\s*＊_]+/gu, '')
    .toLowerCase();
}

/** "PM2.5（微克/立方米）" → { name: "PM2.5", note: "微克/立方米" }. */
export function splitHeader(h: string): { name: string; note: string | null } {
  const m = /^(.*?)[（(]([^）)]*)[）)]\s*$/u.exec(h.normalize('NFKC').trim());
  return m ? { name: m[1]!.trim(), note: m[2]!.trim() || null } : { name: h.trim(), note: null };
}

function zoneOf(note: string | null): string | null {
  if (!note) return null;
  return normaliseZone(note.replace(/^utc(?=[+-])/i, ''));
}

interface HeaderMatch<F extends string> {
  index: Partial<Record<F, number>>;
  units: Partial<Record<F, string>>;
  zone: string | null;
}

function matchHeader<F extends string>(
  cells: readonly string[],
  spec: Record<F, ColumnSpec>,
): HeaderMatch<F> {
  const index: Partial<Record<F, number>> = {};
  const units: Partial<Record<F, string>> = {};
  let zone: string | null = null;
  cells.forEach((cell, i) => {
    const { name, note } = splitHeader(cell);
    const key = normaliseHeader(name);
    for (const field of Object.keys(spec) as F[]) {
      if (index[field] !== undefined) continue;
      if (spec[field].names.some((n) => normaliseHeader(n) === key)) {
        index[field] = i;
        const z = zoneOf(note);
        if (z) zone = z;
        else if (note) units[field] = note;
        break;
      }
    }
  });
  return { index, units, zone };
}

function missingRequired<F extends string>(m: HeaderMatch<F>, spec: Record<F, ColumnSpec>): F[] {
  return (Object.keys(spec) as F[]).filter((f) => spec[f].required && m.index[f] === undefined);
}

/**
 * Records in chunks, as the file is read (see readTableRowChunks), each turned into T by `map` — directly from
 * the row's cells, without an intermediate object per row: the bulk path reads millions of rows through here.
 */
export async function* readRecordTableChunks<F extends string, T>(
  file: string,
  spec: Record<F, ColumnSpec>,
  map: (fields: Record<F, string>, meta: RecordMeta<F>) => T,
  notes?: ReadNotes,
): AsyncGenerator<T[]> {
  const fields = Object.keys(spec) as F[];
  const required = fields.filter((f) => spec[f].required);
  let sheet: string | null | undefined;
  let header: HeaderMatch<F> | null = null;
  let columns: (number | undefined)[] = [];
  let scanned = 0;
  let best: F[] = required;
  let dataRows = 0;
  const where = (s: string | null | undefined) => `${path.basename(file)}${s ? ` [${s}]` : ''}`;
  for await (const rows of readTableRowChunks(file, notes)) {
    const out: T[] = [];
    for (const r of rows) {
      if (r.sheet !== sheet) {
        if (sheet !== undefined && !header) throw missingColumns(where(sheet), best, spec);
        sheet = r.sheet;
        header = null;
        scanned = 0;
        best = required;
      }
      // A refused line before the header is no record yet (nothing to count); after it, it is one.
      if (r.refused && !header) continue;
      if (!header) {
        scanned += 1;
        const m = matchHeader(r.cells, spec);
        const missing = missingRequired(m, spec);
        if (missing.length === 0) {
          header = m;
          columns = fields.map((f) => m.index[f]);
          notes?.noteUnused(
            r.sheet,
            r.cells.filter((c, i) => c !== '' && !columns.includes(i)),
          );
        } else if (missing.length < best.length) best = missing;
        if (!header && scanned >= HEADER_SCAN_ROWS) throw missingColumns(where(sheet), best, spec);
        continue;
      }
      dataRows += 1;
      const values = {} as Record<F, string>;
      for (let k = 0; k < fields.length; k++) {
        const i = columns[k];
        values[fields[k]!] = i === undefined ? '' : (r.cells[i] ?? '');
      }
      const meta = { row: r.rowNumber, units: header.units, zone: header.zone, sheet: r.sheet };
      out.push(map(values, r.refused ? { ...meta, refused: r.refused } : meta));
    }
    if (out.length > 0) yield out;
  }
  if (sheet !== undefined && !header) throw missingColumns(where(sheet), best, spec);
  if (dataRows === 0) throw new EmptyFileError(path.basename(file), 'headerOnly');
}

/**
 * What reading a file noticed besides its records: how many bytes it has read (the CLI's progress), and the
 * header columns no field of the format reads ("采样人", "备注2"), per sheet — a person who added a column
 * expecting it to be read should hear that it was not, once per batch rather than once per row.
 */
export class ReadNotes implements ByteCounter {
  bytesRead = 0;
  private readonly unused = new Map<string, readonly string[]>();

  noteUnused(sheet: string | null, columns: readonly string[]): void {
    if (columns.length > 0) this.unused.set(sheet ?? '', columns);
  }

  /** "采样人, 备注2" or "采样人 [Sheet1]", one line per sheet. */
  unusedColumns(): string[] {
    return [...this.unused].map(([sheet, cols]) => `${cols.join(', ')}${sheet ? ` [${sheet}]` : ''}`);
  }
}

export interface RecordMeta<F extends string> {
  row: number;
  /** The reader refused this line (its fields are empty): the record carries the refusal. */
  refused?: RefusedLine;
  units: Partial<Record<F, string>>;
  zone: string | null;
  sheet: string | null;
}

/** "Sheet1!12" or "12": where a record sat, for the person fixing it. */
export function placeOf(meta: { row: number; sheet: string | null }): string {
  return meta.sheet ? `${meta.sheet}!${meta.row}` : String(meta.row);
}

export async function* readRecordTable<F extends string>(
  file: string,
  spec: Record<F, ColumnSpec>,
  notes?: ReadNotes,
): AsyncGenerator<TableRecord<F>> {
  const chunks = readRecordTableChunks(
    file,
    spec,
    (fields, meta) => ({ ...meta, fields, at: placeOf(meta) }),
    notes,
  );
  for await (const chunk of chunks) yield* chunk;
}

function missingColumns<F extends string>(
  where: string,
  missing: F[],
  spec: Record<F, ColumnSpec>,
): ValidationError {
  const wanted = missing.map((f) => `${f} (${spec[f].names.slice(0, 3).join(' / ')})`);
  return new ValidationError(
    `${where}: no header row with the required columns; missing ${wanted.join(', ')}`,
    [{ path: where, reason: `missing columns: ${missing.join(', ')}` }],
  );
}

/** Whether a row names every required column of a spec (format detection). */
export function isHeaderOf<F extends string>(cells: readonly string[], spec: Record<F, ColumnSpec>): boolean {
  return missingRequired(matchHeader(cells, spec), spec).length === 0;
}

/** The required columns of a spec a row does not name, each with its first names ("time (time / datetime)"). */
export function missingHeaderColumns<F extends string>(
  cells: readonly string[],
  spec: Record<F, ColumnSpec>,
): string[] {
  return missingRequired(matchHeader(cells, spec), spec).map((f) => `${f} (${someNames(spec[f].names)})`);
}

/** Two names and the first Chinese one: "time / datetime / 时间", what a person can put in the header. */
function someNames(names: readonly string[]): string {
  const shown = names.slice(0, 2);
  const zh = names.find((n) => /\p{Script=Han}/u.test(n));
  if (zh && !shown.includes(zh)) shown.push(zh);
  return shown.join(' / ');
}
