/**
 * Writes a delivery's table as the office would send it: CSV (UTF-8 with a BOM, because these files are
 * opened in Excel, which needs it to read Chinese names) or an Excel workbook for the sheets officials keep.
 * The file is written under a temporary `.part` name and renamed when complete: a watcher never picks up
 * half a file (the file-drop convention of services/ingest/sources/source-schema.ts).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { CsvTable } from '../synthetic/tables.js';

/** RFC 4180 quoting: only fields with a comma, quote or line break are quoted. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

async function writeCsv(file: string, table: CsvTable): Promise<void> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  const closed = once(out, 'close');
  out.write('\uFEFF');
  if (table.title) out.write(`${csvField(table.title)}\n`);
  out.write(`${table.header.map(csvField).join(',')}\n`);
  const BLOCK = 2_000;
  for (let i = 0; i < table.rows.length; i += BLOCK) {
    const text =
      table.rows
        .slice(i, i + BLOCK)
        .map((r) => r.map(csvField).join(','))
        .join('\n') + '\n';
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await closed;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

async function writeXlsx(file: string, table: CsvTable): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('Sheet1');
  if (table.title) {
    sheet.addRow([table.title]).font = { bold: true, size: 13 };
    sheet.mergeCells(1, 1, 1, table.header.length);
  }
  sheet.addRow(table.header).font = { bold: true };
  for (const r of table.rows) sheet.addRow(r.map((c) => (NUMBER.test(c) ? Number(c) : c)));
  table.header.forEach((h, i) => (sheet.getColumn(i + 1).width = Math.max(8, h.length * 2 + 2)));
  await wb.xlsx.writeFile(file);
}

export async function writeTableFile(file: string, table: CsvTable): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const part = `${file}.part`;
  if (file.endsWith('.xlsx')) await writeXlsx(part, table);
  else await writeCsv(part, table);
  await rename(part, file);
}
