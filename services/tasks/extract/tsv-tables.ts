/**
 * The tab-separated table exports: the 2021 Tongzhou plan (001: a line starting with TAB starts a cell, a line
 * without continues it) and the BDA 2020 plan (004: one line per row, cells separated by TAB, a paragraph of
 * a cell in <p>…</p>). BDA rows without a 序号 are sub-rows of the row above (004:38-42): each keeps its own
 * 完成时限 and 牵头部门/协办部门, and inherits the 序号 and 重点任务.
 */
import { cellPieces } from './names.js';
import { HEADING_RE, type RawPlan, type RawRow, type RawSection } from './raw-row.js';
import type { Seed } from './seed-lines.js';

interface Cell {
  text: string;
  first: number;
  last: number;
}

const TZ21_SECTION_RE = /^\s*通州区2021年(大气|水|土壤)污染防治行动计划\s*$/;
const TZ21_COLUMNS = ['序号', '重点任务', '工作措施', '完成时限', '牵头领导', '主责单位', '协办单位'];

/** 001's cells in order, each with its lines; a section title line (no TAB) closes the cell before it. */
function cellsOf001(seed: Seed): { cells: Cell[]; titles: Map<number, { name: string; line: number }> } {
  const cells: Cell[] = [];
  const titles = new Map<number, { name: string; line: number }>();
  for (const line of seed.lines) {
    const title = TZ21_SECTION_RE.exec(line.text);
    if (title) {
      titles.set(cells.length, { name: title[1]!, line: line.no });
      continue;
    }
    // Word's cursor bookmark survives the export once ("[bookmark: _GoBack]", 001:266).
    const text = line.text.replace('[bookmark: _GoBack]', '');
    if (text.startsWith('\t')) cells.push({ text: text.slice(1), first: line.no, last: line.no });
    else if (cells.length > 0) {
      const c = cells[cells.length - 1]!;
      c.text += `\n${text}`;
      c.last = line.no;
    }
  }
  return { cells, titles };
}

function paragraphs(text: string): string[] {
  return text
    .split('\n')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

export function extract001(seed: Seed): RawPlan {
  const { cells, titles } = cellsOf001(seed);
  const sections: RawSection[] = [];
  const rows: RawRow[] = [];
  let heading: string | null = null;
  let lastKeyTask = '';
  for (let i = 0; i < cells.length; i++) {
    const title = titles.get(i);
    if (title) {
      if (sections.length > 0) sections.at(-1)!.last = title.line - 1;
      sections.push({
        name: title.name,
        titleZh: `通州区2021年${title.name}污染防治行动计划`,
        first: title.line,
        last: seed.lines.length,
        columns: TZ21_COLUMNS,
        rowsInSeed: 0,
      });
      heading = null;
      lastKeyTask = '';
    }
    const c = cells[i]!;
    const text = c.text.trim();
    if (text === '序号') {
      i += TZ21_COLUMNS.length - 1;
      continue;
    }
    if (HEADING_RE.test(text)) {
      heading = text;
      continue;
    }
    if (!/^\d+$/.test(text) || sections.length === 0) continue;
    const [, key, measures, deadline, leads, main, assist] = cells.slice(i, i + 7);
    const keyTask = key!.text.trim();
    if (keyTask !== '') lastKeyTask = keyTask;
    rows.push({
      section: sections.at(-1)!.name,
      heading,
      seq: text,
      keyTask: keyTask !== '' ? keyTask : lastKeyTask,
      keyTaskMerged: keyTask === '',
      measures: paragraphs(measures!.text),
      deadline: deadline!.text.replace(/\s+/g, ''),
      deadlineMerged: false,
      leads: leads!.text.split('\n'),
      unitCells: [
        { role: 'main', label: '主责单位', pieces: cellPieces(main!.text) },
        { role: 'assist', label: '协办单位', pieces: cellPieces(assist!.text) },
      ],
      unitSplit: 'columns',
      first: c.first,
      last: assist!.last,
      notes: [],
    });
    i += 6;
  }
  for (const s of sections) s.rowsInSeed = countNumberCells(cells, s, seed);
  return { sections, rows };
}

/** Independent count: cells that are a bare number within the section's lines. */
function countNumberCells(cells: readonly Cell[], s: RawSection, _seed: Seed): number {
  return cells.filter((c) => c.first >= s.first && c.first <= s.last && /^\d+$/.test(c.text.trim())).length;
}

const BDA_TITLE_RE = /^北京经济技术开发区打(?:赢|好)(蓝天|碧水|净土)保卫战\s*2020\s*年行动计划$/;

function bdaCells(line: string): string[] {
  return line.split('\t').map((c) => c.trim());
}

function bdaParagraphs(cell: string): string[] {
  const ps = [...cell.matchAll(/<p>(.*?)<\/p>/g)].map((m) => m[1]!.trim()).filter((p) => p !== '');
  return ps.length > 0 ? ps : [cell.trim()].filter((p) => p !== '');
}

export function extract004(seed: Seed): RawPlan {
  const sections: RawSection[] = [];
  const rows: RawRow[] = [];
  let heading: string | null = null;
  let seq = '';
  let keyTask = '';
  for (const line of seed.lines) {
    const title = BDA_TITLE_RE.exec(line.text.trim());
    if (title) {
      if (sections.length > 0) sections.at(-1)!.last = line.no - 1;
      sections.push({
        name: title[1]!,
        titleZh: line.text.trim(),
        first: line.no,
        last: seed.lines.length,
        columns: [],
        rowsInSeed: 0,
      });
      heading = null;
      continue;
    }
    if (sections.length === 0 || !line.text.includes('\t')) continue;
    const cells = bdaCells(line.text);
    const section = sections.at(-1)!;
    if (cells[0] === '序号') {
      section.columns = cells.filter((c) => c !== '');
      continue;
    }
    if (HEADING_RE.test(cells[0]!) && cells.slice(1).every((c) => c === '')) {
      heading = cells[0]!;
      continue;
    }
    section.rowsInSeed++;
    const [no = '', key = '', measures = '', deadline = '', lead = '', assist = ''] = cells;
    const isSubRow = no === '' && key === '';
    if (!isSubRow) {
      seq = no;
      keyTask = key;
    }
    // A sub-row's empty 完成时限 or 牵头部门 is a cell merged with the row above (004:84-86, 004:90).
    const above = isSubRow ? rows.at(-1) : undefined;
    const mergeDeadline = above !== undefined && deadline === '';
    const mergeUnits = above !== undefined && lead === '' && assist === '';
    rows.push({
      section: section.name,
      heading,
      seq: isSubRow ? seq : no,
      keyTask: isSubRow ? keyTask : key,
      keyTaskMerged: isSubRow,
      // Sub-rows 2-5 of row 11 (004:38-42) leave 工作措施 empty: the cell is merged with the row above.
      measures: measures === '' && isSubRow ? (rows.at(-1)?.measures ?? []) : bdaParagraphs(measures),
      deadline: mergeDeadline ? above.deadline : bdaParagraphs(deadline).join(' '),
      deadlineMerged: mergeDeadline,
      leads: [],
      unitCells: mergeUnits
        ? above.unitCells
        : [
            { role: 'main', label: section.columns[4] ?? '牵头部门', pieces: cellPieces(stripP(lead)) },
            { role: 'assist', label: section.columns[5] ?? '协办部门', pieces: cellPieces(stripP(assist)) },
          ],
      unitSplit: 'columns',
      first: line.no,
      last: line.no,
      notes: [
        ...(no === '' && key !== '' ? ['序号 missing in the seed (OCR, action-plans.md §8 q.32)'] : []),
        ...(mergeUnits ? ['牵头部门/协办部门 merged with the row above'] : []),
      ],
    });
  }
  return { sections, rows };
}

function stripP(cell: string): string {
  return cell.replace(/<\/?p>/g, ' ').trim();
}
