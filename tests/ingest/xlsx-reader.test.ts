/**
 * An XLSX is a ZIP whose parts may come in any order (OPC prescribes none). exceljs' streaming reader failed
 * ("reading 'sheets'") when the shared strings came before a sheet and xl/workbook.xml after it — the order
 * exceljs' own writer produces now and then under load.
 */
import { writeFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import {
  XlsxReadRaceError,
  readTableRowChunks,
  readXlsxChunks,
  rowCells,
  sharedStringLookup,
} from '../../services/ingest/formats/table-reader.js';
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

async function rowsOf(
  chunks: AsyncGenerator<{ sheet: string | null; rowNumber: number; cells: string[] }[]>,
) {
  const rows = [];
  for await (const chunk of chunks) rows.push(...chunk);
  return rows;
}

describe('XLSX reader', () => {
  it('reads a small workbook whole: a sheet before xl/workbook.xml keeps its own name', async () => {
    const file = `${tempDir()}/workbook-last.xlsx`;
    await workbookPartLast(file);
    expect(await rowsOf(readTableRowChunks(file))).toEqual([
      { sheet: '月报', rowNumber: 1, cells: ['街道乡镇', '月份', '降尘'] },
      { sheet: '月报', rowNumber: 2, cells: ['北苑街道', '2024-03', '5.2'] },
    ]);
  });

  it('streams a large workbook whose sheet comes before xl/workbook.xml, naming the sheet by its number', async () => {
    const file = `${tempDir()}/workbook-last-streamed.xlsx`;
    await workbookPartLast(file);
    expect(await rowsOf(readXlsxChunks(file, 0))).toEqual([
      { sheet: 'Sheet1', rowNumber: 1, cells: ['街道乡镇', '月份', '降尘'] },
      { sheet: 'Sheet1', rowNumber: 2, cells: ['北苑街道', '2024-03', '5.2'] },
    ]);
  });

  it('reads the same cells whole and streamed (title row, text, numbers, a date, an empty row)', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('降尘');
    sheet.addRow(['2024年3月各街道乡镇降尘量']);
    sheet.addRow(['街道乡镇', '月份', '降尘', '采样日期']);
    sheet.addRow(['北苑街道', '2024-03', 5.2, new Date(Date.UTC(2024, 2, 31, 0, 0))]);
    sheet.addRow([]);
    sheet.addRow(['潞邑街道', '2024-03', 4.75, new Date(Date.UTC(2024, 2, 30, 8, 30))]);
    const file = `${tempDir()}/same-cells.xlsx`;
    await wb.xlsx.writeFile(file);
    const whole = await rowsOf(readXlsxChunks(file));
    const streamed = await rowsOf(readXlsxChunks(file, 0));
    expect(whole).toEqual(streamed);
    expect(whole.map((r) => r.cells)).toEqual([
      ['2024年3月各街道乡镇降尘量'],
      ['街道乡镇', '月份', '降尘', '采样日期'],
      ['北苑街道', '2024-03', '5.2', '2024-03-31'],
      ['潞邑街道', '2024-03', '4.75', '2024-03-30 08:30:00'],
    ]);
  });

  it('resolves a cell the streaming race left as { sharedString: n }, and asks for a retry when it cannot', () => {
    // The race (exceljs PR #2874/#2915) hands a row over before its shared strings: the demo saw the header row
    // as "[object Object]" and refused a monthly workbook for having no header.
    const row = { values: [undefined, { sharedString: 1 }, 5.2] } as never;
    expect(
      rowCells(
        row,
        sharedStringLookup(() => ['月份', '街道乡镇'], 'a.xlsx'),
      ),
    ).toEqual(['街道乡镇', '5.2']);
    expect(() =>
      rowCells(
        row,
        sharedStringLookup(() => undefined, 'a.xlsx row 1'),
      ),
    ).toThrow(XlsxReadRaceError);
    expect(() =>
      rowCells(
        row,
        sharedStringLookup(() => ['月份'], 'a.xlsx row 1'),
      ),
    ).toThrow(/a\.xlsx row 1 refers to shared string 1/);
  });
});
