/**
 * The 2024 Tongzhou plan's five task tables (002:2385-5266), a PDF extraction: cells are wrapped at the column
 * width and the column edges are lost, so a row is read back from what each line holds.
 *
 * - A row starts at a line whose first token is the next 序号 of its table (numbers must run 1, 2, 3…, so a
 *   measure line that happens to start with a number — "155 范围内…", 002:2509 — is not taken for a row).
 * - The row's tail holds the short cells: 完成时限 (a known wording), 牵头领导 (a known official), then the
 *   units. The tail starts at the first line that begins with a 完成时限 wording or an official, or at the
 *   first known 完成时限 wording that ends a measure line ("…（扣除沙尘影响）。 年底前").
 * - Before the tail: 重点任务 lines (short, at the start, the narrow second column) and the 工作措施 lines. A
 *   paragraph of 工作措施 ends at a line ending in "。" that stops short of the column width.
 * - An empty 重点任务 or 完成时限 is a cell merged with the row above (rows 2-4 of 蓝天 share row 1's 年底前):
 *   the row takes the value above and says so (key_task_merged / deadline_merged).
 * - 主责/牵头 vs 协办/责任: "——" ends the main column; otherwise the first unit is the main one, which the
 *   layout confirms when it shares a line with the lead official or a second unit; when nothing on the page
 *   tells, the split is marked "guessed" and config/tasks/extract-overrides.yaml may correct it.
 */
import { cellPieces, isOfficialName, isUnitName, resolveUnits, type NameBook } from './names.js';
import { HEADING_RE, type RawPlan, type RawRow, type RawSection, type RawUnitCell } from './raw-row.js';
import type { Seed, SeedLine } from './seed-lines.js';

const TITLE_RE = /^通州区(蓝天保卫战|碧水保卫战|净土保卫战|应对气候变化|生态保护)\s*2024\s*年行动计划$/;
const HEADER_RE = /序号\s*重点任务\s*工作措施\s*完成时限/;
const SECTION_NAMES: Record<string, string> = {
  蓝天保卫战: '蓝天',
  碧水保卫战: '碧水',
  净土保卫战: '净土',
  应对气候变化: '应对气候变化',
  生态保护: '生态保护',
};

/** Whole-token 完成时限 wordings of the 2024 tables (a wrapped "按时间节点" continues with "完成"). */
export const DEADLINE_TOKEN_RE =
  /^(?:\d{4}年)?(?:年底前|年内|\d{1,2}月(?:底|中旬|上旬|下旬|\d{1,2}日)?前|\d{1,2}月底|\d{1,2}月\d{1,2}日起|\d{1,2}-\d{1,2}月|[一二三四]季度(?:末|底)?前?|上半年|下半年|长期实施|长期坚持|持续推进|持续实施|持续开展|按时间节点|按时间节点完成|按照时间节点|按要求完成|每月|每季度|每年|每半年|按月|按季度)$/;

type Kind = 'deadline' | 'official' | 'unit' | 'dash' | 'text';

function kindOf(token: string, book: NameBook): Kind {
  if (/^[—-]{2,}$/.test(token)) return 'dash';
  if (DEADLINE_TOKEN_RE.test(token)) return 'deadline';
  if (isOfficialName(token, book)) return 'official';
  if (isUnitName(token, book)) return 'unit';
  return 'text';
}

interface Tok {
  text: string;
  kind: Kind;
  line: number;
}

const isCjkChar = (t: string) => /^[\u4e00-\u9fff]$/.test(t);

/**
 * Re-joins what the extraction spaced apart: two-character names padded to three ("谭 强", 002:2630), a
 * name run into the unit after it ("谭 强市公安局…"), a month split from its number ("3 月底"), and the
 * "完成" that wraps from "按时间节点" (a 完成 elsewhere is the first word of a measure).
 */
function mergeTokens(raw: string[], book: NameBook): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const [t, next] = [raw[i]!, raw[i + 1]];
    if (next !== undefined && isCjkChar(t)) {
      if (isOfficialName(t + next, book)) {
        out.push(t + next);
        i++;
        continue;
      }
      if (isOfficialName(t + next[0], book)) {
        out.push(t + next[0]);
        raw[i + 1] = next.slice(1);
        continue;
      }
    }
    if (next !== undefined && joinsNext(t, next)) {
      out.push(t + next);
      i++;
      continue;
    }
    out.push(t);
  }
  return out.filter((t) => t !== '');
}

/** "3 月底", "6-9 月", "7月 1日起", "按时间" + "节点完成": one wording the PDF spaced or wrapped apart. */
function joinsNext(t: string, next: string): boolean {
  return (
    (/^\d{1,2}(-\d{1,2})?$/.test(t) && /^月/.test(next)) ||
    (/^\d{1,2}月$/.test(t) && /^\d{1,2}日/.test(next)) ||
    (t === '按时间' && /^节点/.test(next))
  );
}

function tokensOf(line: SeedLine, book: NameBook, previous: Tok | undefined): Tok[] {
  const toks: Tok[] = [];
  for (const t of mergeTokens(
    line.text
      .trim()
      .split(/\s+/)
      .filter((x) => x !== ''),
    book,
  )) {
    const before = toks.at(-1) ?? previous;
    const kind = t === '完成' && before?.text === '按时间节点' ? 'deadline' : kindOf(t, book);
    toks.push({ text: t, kind, line: line.no });
  }
  return toks;
}

interface Section {
  raw: RawSection;
  lines: SeedLine[];
}

function sectionsOf(seed: Seed): Section[] {
  const sections: Section[] = [];
  for (const line of seed.lines.slice(2380)) {
    const title = TITLE_RE.exec(line.text.trim());
    if (title) {
      const name = SECTION_NAMES[title[1]!]!;
      sections.push({
        raw: {
          name,
          titleZh: line.text.trim(),
          first: line.no - 1,
          last: line.no,
          columns: [],
          rowsInSeed: 0,
        },
        lines: [],
      });
      continue;
    }
    const s = sections.at(-1);
    if (s === undefined) continue;
    // The bundle's next document starts with the issuing government's name (002:5267).
    if (s.raw.name === '生态保护' && line.text.trim() === '北京市通州区人民政府') break;
    if (/^附件\s*\d$/.test(line.text.trim())) continue;
    if (HEADER_RE.test(line.text)) {
      if (s.raw.columns.length === 0) s.raw.columns = line.text.trim().split(/\s+/);
      s.lines.push({ no: line.no, text: PAGE_BREAK });
      continue;
    }
    s.lines.push(line);
    s.raw.last = line.no;
  }
  return sections;
}

/** Marks where a page's repeated table header stood (the header itself is dropped). */
const PAGE_BREAK = '\u0000page';

/**
 * "评价18" (002:5146): at a page break the merged 重点任务 cell is printed again and the 序号 is glued to its
 * last line; the lines since the page break then belong to the new row, not the one before.
 */
const GLUED_SEQ_RE = /^(\S{1,8}?)(\d{1,3})$/;

interface Block {
  seq: string;
  heading: string | null;
  lines: SeedLine[];
}

/** Cuts a section's lines into rows at the expected next 序号. */
/**
 * The 重点任务 of a row can be printed before its bare 序号 line: after a page break (002:5107-5110) or as a
 * new cell the extraction indents (" 强化低碳", 002:4549). Those trailing lines of the block before move to
 * the new row.
 */
function carriedKeyTask(
  prev: Block | undefined,
  sincePageBreak: number | undefined,
  book: NameBook,
): SeedLine[] {
  if (prev === undefined) return [];
  let from = prev.lines.length;
  while (from > 1 && isKeyTaskPiece(prev.lines[from - 1]!.text.trim(), book)) from--;
  if (from === prev.lines.length) return [];
  const afterBreak = sincePageBreak !== undefined && from >= sincePageBreak;
  const indented = /^\s/.test(prev.lines[from]!.text);
  return afterBreak || indented
    ? prev.lines.splice(from).map((l) => ({ no: l.no, text: l.text.trim() }))
    : [];
}

function blocksOf(section: Section, book: NameBook): Block[] {
  const blocks: Block[] = [];
  let heading: string | null = null;
  let sincePageBreak: number | undefined;
  for (const line of section.lines) {
    if (line.text === PAGE_BREAK) {
      sincePageBreak = blocks.at(-1)?.lines.length;
      continue;
    }
    const text = line.text.trim();
    const next = String(blocks.length + 1);
    const m = /^(\d{1,3})(?:\s+(.*))?$/.exec(text);
    if (m && m[1] === next) {
      const carried = m[2] === undefined ? carriedKeyTask(blocks.at(-1), sincePageBreak, book) : [];
      blocks.push({ seq: next, heading, lines: [...carried, { no: line.no, text: m[2] ?? '' }] });
      sincePageBreak = undefined;
      continue;
    }
    const glued = GLUED_SEQ_RE.exec(text);
    if (glued && glued[2] === next && sincePageBreak !== undefined && blocks.length > 0) {
      const carried = blocks.at(-1)!.lines.splice(sincePageBreak);
      blocks.push({ seq: next, heading, lines: [...carried, { no: line.no, text: glued[1]! }] });
      sincePageBreak = undefined;
      continue;
    }
    if (HEADING_RE.test(text)) {
      heading = text;
      continue;
    }
    blocks.at(-1)?.lines.push(line);
  }
  return blocks;
}

/** Independent count of rows: lines starting with a number, taken in sequence (numbers that repeat or skip are not rows). */
function countRowsInSeed(section: Section): number {
  let n = 0;
  for (const line of section.lines) {
    const m = /^\s*(\d{1,3})(?:\s|$)/.exec(line.text) ?? GLUED_SEQ_RE.exec(line.text.trim())?.slice(1);
    if (m && Number(m.at(-1)) === n + 1) n++;
  }
  return n;
}

const isMetaKind = (k: Kind) => k !== 'text';

/** Index of the first token of the row's tail (完成时限/牵头领导/units), over the row's tokens by line. */
function tailStart(lines: Tok[][]): { line: number; token: number } | undefined {
  for (let i = 0; i < lines.length; i++) {
    const toks = lines[i]!;
    if (toks.length === 0) continue;
    if (toks[0]!.kind === 'deadline' || toks[0]!.kind === 'official') return { line: i, token: 0 };
    for (let k = 1; k < toks.length; k++) {
      if (toks[k]!.kind === 'deadline' && toks.slice(k).every((t) => isMetaKind(t.kind)))
        return { line: i, token: k };
    }
  }
  return undefined;
}

const displayWidth = (s: string) => [...s].reduce((w, ch) => w + (/[\u3000-\uffff]/.test(ch) ? 2 : 1), 0);

function measureParagraphs(lines: string[]): string[] {
  const width = Math.max(0, ...lines.map(displayWidth));
  const paragraphs: string[] = [];
  let current = '';
  for (const line of lines) {
    current += line;
    if (/[。]$/.test(line) && displayWidth(line) < width - 4) {
      paragraphs.push(current);
      current = '';
    }
  }
  if (current !== '') paragraphs.push(current);
  return paragraphs;
}

const KEY_TASK_MAX = 8;

function isKeyTaskPiece(text: string, book: NameBook): boolean {
  return text.length <= KEY_TASK_MAX && !/[。，；：]/.test(text) && !isUnitName(text, book);
}

/** "推进低（无）VOCs含量产品源头替代" printed twice when the merged cell crosses a page. */
function undouble(text: string): string {
  const half = text.length / 2;
  return Number.isInteger(half) && text.slice(0, half) === text.slice(half) ? text.slice(0, half) : text;
}

function splitHead(lines: Tok[][], book: NameBook): { keyTask: string; measures: string[] } {
  const key: string[] = [];
  const measures: string[] = [];
  lines.forEach((toks, i) => {
    if (toks.length === 0) return;
    const first = toks[0]!.text;
    if (measures.length === 0 && i === 0 && toks.length > 1 && isKeyTaskPiece(first, book)) {
      key.push(first);
      measures.push(
        toks
          .slice(1)
          .map((t) => t.text)
          .join(' '),
      );
      return;
    }
    const text = toks.map((t) => t.text).join(' ');
    if (measures.length === 0 && isKeyTaskPiece(text.replace(/\s+/g, ''), book)) key.push(text);
    else measures.push(text);
  });
  return { keyTask: undouble(key.join('')), measures: measureParagraphs(measures) };
}

interface Tail {
  deadline: string;
  leads: string[];
  cells: RawUnitCell[];
  split: RawRow['unitSplit'];
}

function readTail(tail: Tok[], columns: string[], book: NameBook): Tail {
  const [mainLabel, assistLabel] = [columns[5] ?? '主责单位', columns[6] ?? '协办单位'];
  const deadline = tail.filter((t) => t.kind === 'deadline').map((t) => t.text);
  const leads = tail.filter((t) => t.kind === 'official').map((t) => t.text);
  // A bare number in the tail is the page number of a row that ends a page ("151", 002:4033).
  const unitToks = tail.filter(
    (t) => (t.kind === 'unit' || t.kind === 'text' || t.kind === 'dash') && !/^\d+$/.test(t.text),
  );
  const dash = unitToks.findIndex((t) => t.kind === 'dash');
  const names = unitToks.filter((t) => t.kind !== 'dash');
  let split: RawRow['unitSplit'] = 'guessed';
  if (dash >= 0) split = 'layout';
  else if (names.length > 1) {
    const first = names[0]!;
    const sharesLine = tail.some(
      (t) => t.line === first.line && (t.kind === 'official' || t.kind === 'deadline'),
    );
    const secondOnSameLine = names[1]!.line === first.line;
    if (sharesLine || secondOnSameLine) split = 'layout';
  } else split = 'layout';
  // Split on resolved names, not tokens: a name wrapped over two lines ("中关村科技园区通州园" + "管委会") is
  // one unit, and the first unit is the main one unless "——" closes a longer main column.
  const resolved = (toks: Tok[]) =>
    resolveUnits(
      toks.flatMap((t) => cellPieces(t.text)),
      book,
    ).map((n) => n.name);
  const all = resolved(names);
  const main = dash >= 0 ? resolved(unitToks.slice(0, dash)) : all.slice(0, 1);
  return {
    deadline: deadline.join(''),
    leads,
    cells: [
      { role: 'main', label: mainLabel, pieces: main },
      { role: 'assist', label: assistLabel, pieces: all.slice(main.length) },
    ],
    split,
  };
}

/** A one-word line that the next line completes ("按时间" / "节点完成", 002:2938-2939) is one line. */
function joinWrappedLines(lines: readonly SeedLine[]): SeedLine[] {
  const out: SeedLine[] = [];
  for (const line of lines) {
    const prev = out.at(-1);
    const first = line.text.trim().split(/\s+/)[0] ?? '';
    if (prev !== undefined && !/\s/.test(prev.text.trim()) && joinsNext(prev.text.trim(), first))
      out[out.length - 1] = { no: prev.no, text: prev.text.trim() + line.text.trim() };
    else out.push(line);
  }
  return out;
}

function rowOf(block: Block, section: Section, book: NameBook): RawRow {
  const toks: Tok[][] = [];
  for (const l of joinWrappedLines(block.lines)) toks.push(tokensOf(l, book, toks.flat().at(-1)));
  const start = tailStart(toks);
  const notes: string[] = [];
  let head = toks;
  let tail: Tok[] = [];
  if (start === undefined) notes.push('no 完成时限 or 牵头领导 found: the whole row was read as 工作措施');
  else {
    head = [...toks.slice(0, start.line), toks[start.line]!.slice(0, start.token)];
    tail = toks.slice(start.line).flat().slice(start.token);
  }
  const { keyTask, measures } = splitHead(head, book);
  const t = readTail(tail, section.raw.columns, book);
  return {
    section: section.raw.name,
    heading: block.heading,
    seq: block.seq,
    keyTask,
    keyTaskMerged: false,
    measures,
    deadline: t.deadline,
    deadlineMerged: false,
    leads: t.leads,
    unitCells: t.cells,
    unitSplit: t.split,
    first: block.lines[0]!.no,
    last: block.lines.at(-1)!.no,
    notes,
  };
}

/** Merged cells: an empty 重点任务 or 完成时限 takes the value of the row above. */
function fillMerged(rows: RawRow[]): void {
  for (let i = 1; i < rows.length; i++) {
    const [prev, row] = [rows[i - 1]!, rows[i]!];
    if (prev.section !== row.section) continue;
    if (row.keyTask === '') Object.assign(row, { keyTask: prev.keyTask, keyTaskMerged: true });
    if (row.deadline === '') Object.assign(row, { deadline: prev.deadline, deadlineMerged: true });
  }
}

export function extract002(seed: Seed, book: NameBook): RawPlan {
  const sections = sectionsOf(seed);
  const rows = sections.flatMap((s) => {
    s.raw.rowsInSeed = countRowsInSeed(s);
    return blocksOf(s, book).map((b) => rowOf(b, s, book));
  });
  fillMerged(rows);
  return { sections: sections.map((s) => s.raw), rows };
}
