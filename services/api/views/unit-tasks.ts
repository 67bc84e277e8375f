/**
 * The unit's monthly page (issue 16 item 2): its tasks in the plans of the month's year, each with the month's
 * report or — until it reports — the latest earlier one to start from, and its manual indicators. A unit
 * account gets its own unit whatever it asks; a bureau opens any unit (?unit=) or, with none, the list of
 * units with how much of the month each has reported.
 */
import type { Queryable } from '../../db/queryable.js';
import type { Principal } from '../../auth/principal.js';
import { NotFoundError } from '../../errors.js';
import { readProgressWithPrevious, type ProgressRow } from '../../tasks/progress-queries.js';
import { assertUnitVisible, confinedUnit } from '../../tasks/task-access.js';
import {
  findUnitName,
  listUnitsWithTasks,
  listOwedTaskIds,
  listUnitTasksOfYear,
  type UnitMonthCount,
  type UnitTaskListRow,
} from '../../tasks/unit-month-queries.js';
import { monthKey, monthStartDay } from '../../time/shanghai.js';
import { buildUnitIndicators, type UnitIndicator } from './unit-indicators.js';

export interface UnitTask extends UnitTaskListRow {
  progress: (ProgressRow & { prefilled: boolean }) | null;
  /** The unit owes the month a report on it (not closed by an earlier 已完成 or 不适用). */
  owed: boolean;
}

export type UnitTasksView =
  | { kind: 'units'; month: string; units: UnitMonthCount[] }
  | {
      kind: 'unit';
      month: string;
      unitId: string;
      unitName: string;
      /** False for a read-only account: the page shows the reports without forms. */
      canWrite: boolean;
      tasks: UnitTask[];
      indicators: UnitIndicator[];
    };

export async function buildUnitTasks(
  db: Queryable,
  p: Principal,
  q: { unit: string | null; month: string },
): Promise<UnitTasksView> {
  const confined = await confinedUnit(db, p);
  if (q.unit !== null) assertUnitVisible(confined, q.unit);
  const unitId = confined ?? q.unit;
  const year = Number(q.month.slice(0, 4));
  const monthDay = monthStartDay(q.month);
  if (unitId === null)
    return { kind: 'units', month: q.month, units: await listUnitsWithTasks(db, year, monthDay) };
  const unitName = await findUnitName(db, unitId);
  if (unitName === null) throw new NotFoundError(`no unit ${unitId}`);
  const tasks = await listUnitTasksOfYear(db, unitId, year);
  const reports = await readProgressWithPrevious(db, {
    taskIds: tasks.map((t) => t.id),
    unitIds: [unitId],
    month: monthDay,
  });
  const byTask = new Map(reports.map((r) => [r.task_id, r]));
  const owed = new Set(await listOwedTaskIds(db, unitId, monthDay));
  return {
    kind: 'unit',
    month: q.month,
    unitId,
    unitName,
    canWrite: !(p.readOnly || p.role === 'readonly'),
    tasks: tasks.map((t) => {
      const r = byTask.get(t.id);
      const progress = r === undefined ? null : { ...r, prefilled: monthKey(r.month) !== q.month };
      return { ...t, progress, owed: owed.has(t.id) };
    }),
    indicators: await buildUnitIndicators(db, { unitId, month: q.month }),
  };
}
