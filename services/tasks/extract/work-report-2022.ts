/**
 * The 2022 document of seed 003 whose duties carry deadlines: the 2022年通州区政府工作报告重点工作分工方案
 * (通政发〔2022〕2号, 003:222-688). Each item is a numbered sentence followed by labelled fields:
 *   8. 大气污染物和水污染物排放完成市级下达的减排任务
 *   牵头领导：倪德才、秦涛 / 主责单位：区生态环境局、区水务局 / 完成时限：2022年12月底   (003:251-254)
 * The items are numbered 1…113 across eleven headings (一、主要预期目标 … 十一、狠抓作风建设…); each heading
 * is a section. The 2022 emergency plan that follows it (003:694-1236) assigns duties without any deadline
 * (its handling table 003:819-875) and is not a task list — docs/decisions.md "Tasks: the 2022 document".
 * An item's sentence or a field may wrap onto the next line (003:572-573, 003:649-651).
 */
import { continueItem, type LabelledItem } from './labelled-items.js';
import { cellPieces } from './names.js';
import { HEADING_RE, joinWrapped, type RawPlan, type RawRow, type RawSection } from './raw-row.js';
import type { Seed, SeedLine } from './seed-lines.js';

/** The 分工方案's lines: its first heading to its last item's 完成时限 (the 抄送 line follows). */
export const WORK_REPORT_2022_LINES: [number, number] = [222, 688];

const FIELD_RE = /^\s*(牵头领导|主责单位|完成时限)\s*[：:]\s*(.*)$/;
const ITEM_RE = /^\s*(\d{1,3})\s*[.．]\s*(.+)$/;

/** Every item of the 分工方案 stands under a heading (its section). */
interface Item extends LabelledItem {
  heading: string;
}

function itemsOf(lines: readonly SeedLine[]): Item[] {
  const items: Item[] = [];
  let heading = '';
  let field: string | undefined;
  for (const line of lines) {
    const text = line.text.trim();
    if (text === '') continue;
    if (HEADING_RE.test(text)) {
      heading = text;
      field = undefined;
      continue;
    }
    const item = ITEM_RE.exec(text);
    // A wrapped field value can start with a digit ("2022 年…" never does; a wrapped sentence might), so a
    // number only opens an item when the item before it is complete.
    const current = items.at(-1);
    if (item && (current === undefined || current.fields.has('完成时限'))) {
      items.push({
        seq: item[1]!,
        first: line.no,
        last: line.no,
        body: [item[2]!],
        fields: new Map(),
        heading,
      });
      field = undefined;
      continue;
    }
    if (current === undefined) continue;
    field = continueItem(current, line, text, FIELD_RE, field);
  }
  return items;
}

/** The short name of a heading: "八、狠抓污染防治攻坚，全力提升…" → "狠抓污染防治攻坚". */
export function sectionName(heading: string): string {
  return heading.replace(HEADING_RE, '').split('，')[0]!.trim();
}

function rowOf(item: Item): RawRow {
  const field = (name: string) => joinWrapped(item.fields.get(name) ?? []);
  return {
    section: sectionName(item.heading),
    heading: item.heading,
    seq: item.seq,
    keyTask: joinWrapped(item.body),
    keyTaskMerged: false,
    // The 分工方案 states each duty as one sentence: there is no separate 工作措施 column.
    measures: [],
    deadline: field('完成时限'),
    deadlineMerged: false,
    leads: item.fields.get('牵头领导') ?? [],
    unitCells: [{ role: 'main', label: '主责单位', pieces: cellPieces(field('主责单位')) }],
    unitSplit: 'columns',
    first: item.first,
    last: item.last,
    notes: ['分工方案: the duty is one sentence (重点任务); no 工作措施 or 协办单位 column'],
  };
}

export function extract003(seed: Seed): RawPlan {
  const [first, last] = WORK_REPORT_2022_LINES;
  const lines = seed.lines.slice(first - 1, last);
  const rows = itemsOf(lines).map(rowOf);
  const sections: RawSection[] = [];
  lines.forEach((line, i) => {
    if (!HEADING_RE.test(line.text.trim())) return;
    const end = lines.slice(i + 1).find((l) => HEADING_RE.test(l.text.trim()));
    const span = lines.slice(i, end === undefined ? undefined : lines.indexOf(end));
    sections.push({
      name: sectionName(line.text.trim()),
      titleZh: line.text.trim(),
      first: line.no,
      last: span.at(-1)!.no,
      columns: ['序号', '重点任务', '牵头领导', '主责单位', '完成时限'],
      // Counted independently of the item parser: one 完成时限 line closes each duty.
      rowsInSeed: span.filter((l) => /^\s*完成时限\s*[：:]/.test(l.text)).length,
    });
  });
  return { sections, rows };
}
