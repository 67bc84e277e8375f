/** Reading a filled-in sheet by its header row: what the 台账 and its 指标 sheet share. */
import type ExcelJS from 'exceljs';

/** A cell as the text a person typed (rich text joined, a formula's result, a date as its month). */
export function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'richText' in v)
    return v.richText
      .map((p) => p.text)
      .join('')
      .trim();
  if (typeof v === 'object' && 'result' in v) return String(v.result ?? '').trim();
  if (v instanceof Date) return v.toISOString().slice(0, 7);
  return String(v).trim();
}

/** Column number → header of the first row, and each known key's column (absent when its header is missing). */
export function headerColumns<K extends string>(
  ws: ExcelJS.Worksheet,
  columns: readonly { key: K; header: string }[],
): { headers: Map<number, string>; colOf: Map<K, number> } {
  const headers = new Map<number, string>();
  ws.getRow(1).eachCell((cell, col) => headers.set(col, cellText(cell.value)));
  const colOf = new Map<K, number>();
  for (const c of columns) {
    const at = [...headers].find(([, h]) => h === c.header)?.[0];
    if (at !== undefined) colOf.set(c.key, at);
  }
  return { headers, colOf };
}
