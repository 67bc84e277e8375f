/**
 * An XLSX is a ZIP whose parts may come in any order (OPC prescribes none). exceljs' streaming reader failed
 * ("reading 'sheets'") when the shared strings came before a sheet and xl/workbook.xml after it — the order
 * exceljs' own writer produces now and then under load.
 */
import { writeFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { readTableRowChunks } from '../../services/ingest/formats/table-reader.js';
import { useTempDir } from './fixtures.js';

const tempDir = useTempDir();

async function workbookPartLast(file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('月报');
  sheet.addRow(['街道乡镇', '月份', '降尘']);
  sheet.addRow(['北苑街道', '2024-03', 5.2]);
  const src = await JSZip.loadAsync(Buffer.from(await wb.xlsx.writeBuffer()));
  const parts = Object.keys(src.files).filter((n) => !src.files[n]!.dir);
  const first = ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml'];
  const order = [
    ...first,
    ...parts.filter((n) => !first.includes(n) && n !== 'xl/workbook.xml'),
    'xl/workbook.xml',
  ];
  const out = new JSZip();
  for (const n of order) out.file(n, await src.file(n)!.async('nodebuffer'));
  await writeFile(file, await out.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
}

describe('XLSX reader', () => {
  it('reads a workbook whose sheet comes before xl/workbook.xml, naming the sheet by its number', async () => {
    const file = `${tempDir()}/workbook-last.xlsx`;
    await workbookPartLast(file);
    const rows = [];
    for await (const chunk of readTableRowChunks(file)) rows.push(...chunk);
    expect(rows).toEqual([
      { sheet: 'Sheet1', rowNumber: 1, cells: ['街道乡镇', '月份', '降尘'] },
      { sheet: 'Sheet1', rowNumber: 2, cells: ['北苑街道', '2024-03', '5.2'] },
    ]);
  });
});
