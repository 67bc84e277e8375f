/**
 * Which format a delivered file is in, from its header row. Kept apart from the readers' ingestion
 * (deliveries.ts) so a caller that only needs the answer — the CLI choosing the bulk path — does not load the
 * steady path and every record kind.
 */
import path from 'node:path';
import { ValidationError } from '../../errors.js';
import type { FormatId } from '../sources/source-schema.js';
import { RANKING_COLUMNS, SAND_DUST_COLUMNS, WARNING_COLUMNS } from './event-formats.js';
import { LONG_COLUMNS } from './long-format.js';
import { missingHeaderColumns, type ColumnSpec } from './record-table.js';
import { readTableRows } from './table-reader.js';
import { wideHeaderLacks } from './wide-format.js';

export const DETECT_ROWS = 20;

/** In the order they are tried: the more specific formats win on the same row. */
const CANDIDATES: { id: FormatId; label: string; lacks: (cells: readonly string[]) => string[] }[] = [
  { id: 'city_ranking', label: 'city ranking 排名', lacks: specLacks(RANKING_COLUMNS) },
  { id: 'warning', label: 'warning 预警', lacks: specLacks(WARNING_COLUMNS) },
  { id: 'sand_dust', label: 'sand-dust 沙尘', lacks: specLacks(SAND_DUST_COLUMNS) },
  { id: 'long', label: 'long 长表', lacks: specLacks(LONG_COLUMNS) },
  { id: 'wide', label: 'wide 宽表', lacks: wideHeaderLacks },
];

function specLacks<F extends string>(spec: Record<F, ColumnSpec>) {
  return (cells: readonly string[]) => missingHeaderColumns(cells, spec);
}

/** The format whose header appears first in the file; the more specific formats win on the same row. */
export async function detectFormat(file: string): Promise<FormatId> {
  // Per format, the least it lacked on any row scanned, and that row: what the message reports.
  const closest = new Map<FormatId, { lacks: string[]; row: number; cells: string[] }>();
  let n = 0;
  // Only the head: a workbook is streamed (its race, if it strikes, is a retry), not loaded whole just to be
  // loaded again by the format's reader.
  for await (const r of readTableRows(file, { head: true })) {
    for (const c of CANDIDATES) {
      const lacks = c.lacks(r.cells);
      if (lacks.length === 0) return c.id;
      const best = closest.get(c.id);
      if (!best || lacks.length < best.lacks.length)
        closest.set(c.id, { lacks, row: r.rowNumber, cells: r.cells });
    }
    if (++n >= DETECT_ROWS) break;
  }
  throw noFormat(file, n, closest);
}

function noFormat(
  file: string,
  scanned: number,
  closest: Map<FormatId, { lacks: string[]; row: number; cells: string[] }>,
): ValidationError {
  const name = path.basename(file);
  const details = CANDIDATES.map((c) => {
    const best = closest.get(c.id)!;
    return { path: `${name}!${best.row}`, reason: `${c.id}: lacks ${best.lacks.join(', ')}` };
  });
  const lines = CANDIDATES.map((c) => {
    const best = closest.get(c.id)!;
    return `  - ${c.label} (${c.id}): row ${best.row} lacks ${best.lacks.join(', ')}`;
  });
  const header = [...closest.values()].sort((a, b) => a.lacks.length - b.lacks.length)[0]!;
  return new ValidationError(
    `${name}: format not recognised — no header row of any format in the first ${scanned} row(s) ` +
      `(columns of row ${header.row}: ${header.cells.filter((c) => c !== '').join(', ')}). Compared with:\n` +
      `${lines.join('\n')}\nSee examples/ingest/README.md, or name the format (--format / format:).`,
    details,
  );
}

export async function resolveFormat(file: string, format: FormatId | 'auto'): Promise<FormatId> {
  return format === 'auto' ? detectFormat(file) : format;
}
