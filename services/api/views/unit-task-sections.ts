/**
 * The unit's tasks as an official reporting the month reads them (issue #16/#17 leftover): grouped by the
 * plan's sections in the plan's order (the list arrives ordered by plan_ord, migration 0140), each section
 * counted, and narrowed by a filter and a text search. Pure: the page and its tests share it.
 *
 * A task's state this month: `reported` when the month has its report; `unreported` when the unit owes the
 * month a report (envwatch_owed_tasks, migration 0075 — what the cut-off reminders count) and has none yet;
 * `closed` otherwise (closed by an earlier 已完成 or 不适用, so nothing is owed).
 */
import type { UnitTask } from './unit-tasks.js';

export const TASK_FILTERS = ['all', 'unreported', 'late', 'done'] as const;
export type TaskFilter = (typeof TASK_FILTERS)[number];

export type TaskMonthState = 'reported' | 'unreported' | 'closed';

export function taskMonthState(t: UnitTask): TaskMonthState {
  if (t.progress !== null && !t.progress.prefilled) return 'reported';
  return t.owed ? 'unreported' : 'closed';
}

/**
 * 滞后 and 已完成 go by the latest status known — the month's report, else the one before it — so a task
 * reported 滞后 last month and not yet this month still shows as late (docs/decisions.md).
 */
export function matchesFilter(t: UnitTask, f: TaskFilter): boolean {
  switch (f) {
    case 'all':
      return true;
    case 'unreported':
      return taskMonthState(t) === 'unreported';
    case 'late':
      return t.progress?.status === 'late';
    case 'done':
      return t.progress?.status === 'done';
  }
}

/** Every word of the search must occur in the task's id or its name, ignoring case; blank matches all. */
export function matchesSearch(t: UnitTask, q: string): boolean {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const hay = `${t.id} ${t.name_zh}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

export interface TaskSection {
  planId: string;
  section: string;
  /** Counts over the whole section, whatever the filter. */
  total: number;
  reported: number;
  unreported: number;
  /** The section's tasks the filter and search let through, in the plan's order. */
  tasks: UnitTask[];
  /** Open by default where something is owed; when narrowed, wherever something matched. */
  open: boolean;
}

export interface SectionQuery {
  filter: TaskFilter;
  q: string;
  /** A task shown and its section opened whatever the filter: the one just saved, so its ✓ is seen. */
  keep: string | null;
}

export function countByFilter(tasks: readonly UnitTask[]): Record<TaskFilter, number> {
  const n = (f: TaskFilter) => tasks.filter((t) => matchesFilter(t, f)).length;
  return { all: tasks.length, unreported: n('unreported'), late: n('late'), done: n('done') };
}

/** Sections in order of their first task; a section with nothing to show under a narrowing is left out. */
export function groupTaskSections(tasks: readonly UnitTask[], sq: SectionQuery): TaskSection[] {
  const narrowed = sq.filter !== 'all' || sq.q.trim() !== '';
  const sections = new Map<string, TaskSection>();
  for (const t of tasks) {
    const key = `${t.plan_id}\u0000${t.section}`;
    let s = sections.get(key);
    if (s === undefined) {
      s = {
        planId: t.plan_id,
        section: t.section,
        total: 0,
        reported: 0,
        unreported: 0,
        tasks: [],
        open: false,
      };
      sections.set(key, s);
    }
    const state = taskMonthState(t);
    s.total += 1;
    if (state === 'reported') s.reported += 1;
    if (state === 'unreported') s.unreported += 1;
    const kept = t.id === sq.keep;
    if (kept || (matchesFilter(t, sq.filter) && matchesSearch(t, sq.q))) s.tasks.push(t);
    if (kept) s.open = true;
  }
  return [...sections.values()]
    .filter((s) => !narrowed || s.tasks.length > 0)
    .map((s) => ({ ...s, open: s.open || (narrowed ? s.tasks.length > 0 : s.unreported > 0) }));
}
