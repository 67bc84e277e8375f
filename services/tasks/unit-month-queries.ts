/**
 * What the unit's page reads (issue 16 item 2): the tasks a unit reports on in the plans of a year, the
 * units a bureau can open with how many of their reports the month has, and a stored attachment.
 * One function per statement.
 */
import type { Queryable } from '../db/queryable.js';
import type { TaskListRow } from './progress-queries.js';

export interface UnitTaskListRow extends TaskListRow {
  /**
   * What the page calls the task and searches: envwatch_task_name (migration 0150), the name the task
   * messages use — its 重点任务, else its heading without the number, else its first measure.
   */
  name_zh: string;
}

/** The enabled tasks `unitId` reports on, of the plans of `year` (the month's plans), in the plan's order. */
export async function listUnitTasksOfYear(
  db: Queryable,
  unitId: string,
  year: number,
): Promise<UnitTaskListRow[]> {
  const { rows } = await db.query<UnitTaskListRow>(
    `SELECT t.id, t.plan_id, t.section, t.seq, t.key_task_zh, t.deadline_zh, t.deadline_kind, t.due_on, t.source,
            r.role,
            envwatch_task_name(t) AS name_zh
       FROM task t
       JOIN plan p ON p.id = t.plan_id
       JOIN task_reporting_unit r ON r.task_id = t.id AND r.unit_id = $1
      WHERE t.enabled AND p.year = $2
      ORDER BY t.plan_id, t.plan_ord NULLS LAST, t.id`,
    [unitId, year],
  );
  return rows;
}

/**
 * The tasks `unitId` owes a report on for the month starting `month` (envwatch_owed_tasks, migration 0075):
 * the same set the cut-off reminders and the 调度 report count, so the page's 未上报 agrees with them.
 */
export async function listOwedTaskIds(db: Queryable, unitId: string, month: string): Promise<string[]> {
  const { rows } = await db.query<{ task_id: string }>(
    `SELECT task_id FROM envwatch_owed_tasks($2::date) WHERE unit_id = $1`,
    [unitId, month],
  );
  return rows.map((r) => r.task_id);
}

export interface UnitMonthCount {
  unit_id: string;
  name_zh: string;
  name_en: string;
  tasks: number;
  reported: number;
}

/** Every unit with tasks in the plans of `year`, with how many of them it has reported for `month`. */
export async function listUnitsWithTasks(
  db: Queryable,
  year: number,
  month: string,
): Promise<UnitMonthCount[]> {
  const { rows } = await db.query<UnitMonthCount>(
    `SELECT u.id AS unit_id, u.name_zh, u.name_en, count(*)::int AS tasks, count(tp.task_id)::int AS reported
       FROM task_reporting_unit r
       JOIN task t ON t.id = r.task_id AND t.enabled
       JOIN plan p ON p.id = t.plan_id AND p.year = $1
       JOIN unit u ON u.id = r.unit_id
       LEFT JOIN task_progress tp ON tp.task_id = r.task_id AND tp.unit_id = r.unit_id AND tp.month = $2
      GROUP BY u.id, u.name_zh, u.name_en
      ORDER BY u.kind, u.id`,
    [year, month],
  );
  return rows;
}

export interface StoredAttachment {
  name: string;
  type: string;
  bytes: Buffer;
}

export async function readProgressAttachment(
  db: Queryable,
  key: { taskId: string; unitId: string; month: string },
): Promise<StoredAttachment | null> {
  const { rows } = await db.query<StoredAttachment>(
    `SELECT attachment_name AS name, attachment_type AS type, attachment AS bytes FROM task_progress
      WHERE task_id = $1 AND unit_id = $2 AND month = $3 AND attachment IS NOT NULL`,
    [key.taskId, key.unitId, key.month],
  );
  return rows[0] ?? null;
}

export async function findUnitName(db: Queryable, unitId: string): Promise<string | null> {
  const { rows } = await db.query<{ name_zh: string }>(`SELECT name_zh FROM unit WHERE id = $1`, [unitId]);
  return rows[0]?.name_zh ?? null;
}
