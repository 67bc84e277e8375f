/**
 * The 2020 Tongzhou plan (000): each of its three parts is written twice, as a narrative with labelled
 * fields per item (牵头领导：…／主责单位：…／协办单位：…／完成时限：…, e.g. 000:2061-2064) and as a
 * 任务分解表 without the 牵头领导 column (000:2502, 3835, 4590). The narrative is the source here — it names
 * the lead officials and its labels survive the PDF extraction, where the table's narrow unit columns are cut
 * mid-name ("区生态环\n境局") — and the table is the independent count: its rows are counted and compared.
 *
 * Items start with "1." (蓝天 三), "（一）" (蓝天 二, 碧水) or "任务 1." (净土). A "（一）" line that is a
 * short title followed by numbered items is a sub-heading, not an item. An item's 重点任务 is its title line
 * ("（一）严格落实环保职责") or its first sentence when short ("1.调整大气治理精细化区域和防控标准。").
 */
import { continueItem, type LabelledItem } from './labelled-items.js';
import { cellPieces } from './names.js';
import { HEADING_RE, joinWrapped, type RawPlan, type RawRow, type RawSection } from './raw-row.js';
import type { Seed, SeedLine } from './seed-lines.js';

interface PartSpec {
  name: string;
  narrative: [number, number];
  table: [number, number];
  mainLabel: string;
  assistLabel: string;
}

/** Line ranges as in action-plans.md §2.2 (narratives) and the 任务分解表 titles (000:2502, 3835, 4590). */
const PARTS: PartSpec[] = [
  {
    name: '蓝天',
    narrative: [2014, 2501],
    table: [2502, 3519],
    mainLabel: '主责单位',
    assistLabel: '协办单位',
  },
  {
    name: '碧水',
    narrative: [3520, 3834],
    table: [3835, 4312],
    mainLabel: '牵头单位',
    assistLabel: '责任单位',
  },
  {
    name: '净土',
    narrative: [4313, 4589],
    table: [4590, 5083],
    mainLabel: '牵头单位',
    assistLabel: '责任单位',
  },
];

const FIELD_RE = /^\s*(牵头领导|主责单位|协办单位|牵头单位|责任单位|完成时限)\s*[：:]\s*(.*)$/;
// Half-width brackets occur too: "(二十三)" (000:3709).
const ITEM_RE = /^\s*(?:任务\s*(\d+)\s*[.．]|(\d+)\s*[.．]|[（(]([一二三四五六七八九十]+)[）)]、?)\s*(.*)$/;
const PAGE_FOOTER_RE = /^\s*-\s*\d+\s*-\s*$/;

type Item = LabelledItem;

function isSubHeading(line: string, next: string | undefined): boolean {
  const m = ITEM_RE.exec(line);
  if (!m || m[3] === undefined) return false;
  const title = m[4]!.trim();
  return (
    title.length <= 30 && !/。/.test(title) && next !== undefined && /^\s*(?:任务\s*)?\d+\s*[.．]/.test(next)
  );
}

function itemsOf(lines: SeedLine[]): Item[] {
  const items: Item[] = [];
  let heading: string | null = null;
  let field: string | undefined;
  let justAfterHeading = false;
  lines.forEach((line, i) => {
    const text = line.text.trim();
    if (text === '' || PAGE_FOOTER_RE.test(text)) return;
    if (HEADING_RE.test(text) || isSubHeading(text, lines[i + 1]?.text)) {
      heading = HEADING_RE.test(text) ? text : `${heading?.split(' ')[0] ?? ''} ${text}`.trim();
      field = undefined;
      justAfterHeading = HEADING_RE.test(text);
      return;
    }
    const item = ITEM_RE.exec(text);
    // 净土's target ("一、目标任务", 000:4319) is a paragraph without an item marker: a row of its own.
    if (item || justAfterHeading) {
      const seq = item ? (item[1] ?? item[2] ?? item[3]!) : '';
      const body = item ? item[4]! : text;
      items.push({ seq, first: line.no, last: line.no, body: [body], fields: new Map(), heading });
      field = undefined;
      justAfterHeading = false;
      return;
    }
    const current = items.at(-1);
    if (current === undefined) return;
    field = continueItem(current, line, text, FIELD_RE, field);
  });
  return items;
}

function keyTaskOf(body: string): { keyTask: string; measures: string } {
  const m = /^([^。；，]{2,30})[。]\s*(.+)$/.exec(body);
  if (m) return { keyTask: m[1]!.trim(), measures: m[2]! };
  return { keyTask: '', measures: body };
}

function rowOf(item: Item, part: PartSpec): RawRow {
  const field = (name: string) => joinWrapped(item.fields.get(name) ?? []);
  // "（一）严格落实环保职责" has its title on the item line and the measures below it.
  const titled = item.body.length > 1 && !/[。；]$/.test(item.body[0]!.trim()) && item.body[0]!.length <= 20;
  const body = joinWrapped(titled ? item.body.slice(1) : item.body);
  const { keyTask, measures } = titled ? { keyTask: item.body[0]!.trim(), measures: body } : keyTaskOf(body);
  const notes =
    item.fields.size === 0 ? ['the narrative states no 牵头领导, units or 完成时限 for this item'] : [];
  return {
    section: part.name,
    heading: item.heading,
    seq: item.seq,
    keyTask,
    keyTaskMerged: false,
    measures: [measures],
    deadline: field('完成时限'),
    deadlineMerged: false,
    leads: item.fields.get('牵头领导') ?? [],
    unitCells: [
      { role: 'main', label: part.mainLabel, pieces: cellPieces(field(part.mainLabel)) },
      { role: 'assist', label: part.assistLabel, pieces: cellPieces(field(part.assistLabel)) },
    ],
    unitSplit: 'columns',
    first: item.first,
    last: item.last,
    notes,
  };
}

/** Rows of a 任务分解表: a line starting with the next number, or with 1 after a heading (numbering restarts). */
function countTableRows(lines: SeedLine[]): number {
  let count = 0;
  let expected = 1;
  let afterHeading = true;
  for (const line of lines) {
    const text = line.text.trim();
    if (HEADING_RE.test(text) || /^（[一二三四五六七八九十]+）/.test(text) || /^三、/.test(text)) {
      afterHeading = true;
      continue;
    }
    const m = /^(\d{1,2})(?:\s|$)/.exec(text);
    if (m === null) continue;
    const n = Number(m[1]);
    if (n === expected || (afterHeading && n === 1)) {
      count++;
      expected = n + 1;
      afterHeading = false;
    }
  }
  return count;
}

export function extract000(seed: Seed): RawPlan {
  const sections: RawSection[] = [];
  const rows: RawRow[] = [];
  for (const part of PARTS) {
    const lines = seed.lines.slice(part.narrative[0] - 1, part.narrative[1]);
    const items = itemsOf(lines.slice(1));
    rows.push(...items.map((i) => rowOf(i, part)));
    sections.push({
      name: part.name,
      titleZh: lines[0]!.text.trim(),
      first: part.narrative[0],
      last: part.narrative[1],
      columns: ['序号', '重点任务', '工作措施', '牵头领导', part.mainLabel, part.assistLabel, '完成时限'],
      rowsInSeed: countTableRows(seed.lines.slice(part.table[0] - 1, part.table[1])),
    });
  }
  return { sections, rows };
}
