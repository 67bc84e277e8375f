/**
 * Turns an extractor's raw rows into task entries: ids, resolved names, parsed deadlines, the targets each
 * row serves (a target whose source lines overlap the row's), and the column-split corrections of
 * config/tasks/extract-overrides.yaml.
 */
import { parseDeadline } from '../parse-deadline.js';
import type { Task, TaskFileInput } from '../task-schema.js';
import { officialPieces, resolveOfficials, resolveUnits, type NameBook } from './names.js';
import { SECTION_CODES, seqNumber, type PlanSpec } from './plans.js';
import type { RawPlan, RawRow } from './raw-row.js';
import { cite } from './seed-lines.js';

export interface TargetCitation {
  id: string;
  source: string;
}

export interface SplitOverride {
  task: string;
  main_units: number;
  why: string;
}

type Range = [number, number];

export function citedRanges(source: string, seedPrefix: string): Range[] {
  return [...source.matchAll(/(\d{3}):(\d+)(?:-(\d+))?/g)]
    .filter((m) => m[1] === seedPrefix)
    .map((m) => [Number(m[2]), Number(m[3] ?? m[2])]);
}

const overlaps = (a: Range, b: Range) => a[0] <= b[1] && b[0] <= a[1];

/**
 * Ids from the 序号 where it identifies a row (TZ24-AIR-012; BDA sub-rows of one 序号 get .2, .3…). Where a
 * section restarts its numbering under each heading (the 2020 narrative) the id is the row's position.
 */
function taskIds(spec: PlanSpec, rows: readonly RawRow[]): string[] {
  const restarts = new Set<string>();
  rows.forEach((row, i) => {
    const [prev, n] = [i > 0 ? seqNumber(rows[i - 1]!.seq) : undefined, seqNumber(row.seq)];
    if (rows[i - 1]?.section === row.section && prev !== undefined && n !== undefined && n < prev)
      restarts.add(row.section);
  });
  const seen = new Map<string, number>();
  const position = new Map<string, number>();
  let lastNumber: number | undefined;
  return rows.map((row, i) => {
    const code = SECTION_CODES[row.section] ?? 'GEN';
    const at = (position.get(row.section) ?? 0) + 1;
    position.set(row.section, at);
    if (rows[i - 1]?.section !== row.section) lastNumber = undefined;
    // A row whose 序号 the seed lost (004:111) continues the numbered row above it.
    lastNumber = seqNumber(row.seq) ?? lastNumber;
    const n = restarts.has(row.section) ? at : (lastNumber ?? at);
    const base = `${spec.prefix}-${code}-${String(n).padStart(3, '0')}`;
    const k = seen.get(base) ?? 0;
    seen.set(base, k + 1);
    return k === 0 ? base : `${base}.${k + 1}`;
  });
}

function unitsOf(row: RawRow, book: NameBook, mainCount: number | undefined): Task['units'] {
  const cells = row.unitCells;
  if (mainCount !== undefined) {
    const all = cells.flatMap((c) => c.pieces);
    const [main, assist] = [cells.find((c) => c.role === 'main')!, cells.find((c) => c.role === 'assist')!];
    return [
      ...resolveUnits(all.slice(0, mainCount), book).map((n) => unitOf('main', main.label, n)),
      ...resolveUnits(all.slice(mainCount), book).map((n) => unitOf('assist', assist.label, n)),
    ];
  }
  return cells.flatMap((c) => resolveUnits(c.pieces, book).map((n) => unitOf(c.role, c.label, n)));
}

function unitOf(role: 'main' | 'assist', label: string, n: { name: string; id: string | null }) {
  return { role, label, name_zh: n.name, unit_id: n.id };
}

export function buildTaskFile(
  spec: PlanSpec,
  seedFile: string,
  raw: RawPlan,
  book: NameBook,
  targets: readonly TargetCitation[],
  overrides: readonly SplitOverride[],
): TaskFileInput {
  const ids = taskIds(spec, raw.rows);
  const targetRanges = targets.map((t) => ({ id: t.id, ranges: citedRanges(t.source, spec.seedPrefix) }));
  const tasks = raw.rows.map((row, i) => {
    const id = ids[i]!;
    const override = overrides.find((o) => o.task === id);
    const range: Range = [row.first, row.last];
    return {
      id,
      section: row.section,
      heading: row.heading,
      seq: row.seq,
      key_task_zh: row.keyTask,
      key_task_merged: row.keyTaskMerged,
      measures_zh: row.measures.length > 0 ? row.measures : ['（无）'],
      deadline_zh: row.deadline,
      deadline_merged: row.deadlineMerged,
      deadline: parseDeadline(row.deadline, spec.year),
      lead_officials: resolveOfficials(row.leads.flatMap(officialPieces), book).map((n) => ({
        name_zh: n.name,
        official_id: n.id,
      })),
      units: unitsOf(row, book, override?.main_units),
      unit_split: override ? ('override' as const) : row.unitSplit,
      targets: targetRanges.filter((t) => t.ranges.some((r) => overlaps(r, range))).map((t) => t.id),
      source: cite(spec.seedPrefix, row.first, row.last),
      notes: [...row.notes, ...(override ? [`unit split: ${override.why}`] : [])],
    };
  });
  return {
    plan: {
      id: spec.id,
      year: spec.year,
      name_zh: spec.nameZh,
      document_no: spec.documentNo,
      seed_file: seedFile,
      source: spec.source,
      extracted_by: 'envwatch extract-tasks',
    },
    sections: raw.sections.map((s) => ({
      name: s.name,
      title_zh: s.titleZh,
      source: cite(spec.seedPrefix, s.first, s.last),
      columns: s.columns,
      rows_in_seed: s.rowsInSeed,
    })),
    tasks,
  };
}
