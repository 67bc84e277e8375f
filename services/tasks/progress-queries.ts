/** Monthly task progress (task_progress) and the task lists it is reported against: one function per statement. */
import type { Queryable } from '../db/queryable.js';
import type { Reporter } from './reporter.js';

export const PROGRESS_STATUSES = ['not_started', 'in_progress', 'done', 'late', 'not_applicable'] as const;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];

export interface TaskListRow {
  id: string;
  plan_id: string;
  section: string;
  seq: string;
  key_task_zh: string;
  deadline_zh: string;
  deadline_kind: string;
  due_on: string | null;
  source: string;
  /** The unit's role on the task when the list is for one unit. */
  role: 'main' | 'assist' | null;
}

/** Enabled tasks in the plan's order (migration 0140), optionally of one plan, optionally only those `unitId` reports on. */
export async function listTasks(
  db: Queryable,
  f: { planId: string | null; unitId: string | null },
): Promise<TaskListRow[]> {
  const { rows } = await db.query<TaskListRow>(
    `SELECT t.id, t.plan_id, t.section, t.seq, t.key_task_zh, t.deadline_zh, t.deadline_kind, t.due_on, t.source,
            r.role
       FROM task t
       LEFT JOIN task_reporting_unit r ON r.task_id = t.id AND r.unit_id = $2
      WHERE t.enabled AND ($1::text IS NULL OR t.plan_id = $1) AND ($2::text IS NULL OR r.unit_id IS NOT NULL)
      ORDER BY t.plan_id, t.plan_ord NULLS LAST, t.id`,
    [f.planId, f.unitId],
  );
  return rows;
}

export interface ReportingUnitRow {
  unit_id: string;
  role: 'main' | 'assist';
  name_zh: string;
}

export async function listReportingUnits(db: Queryable, taskId: string): Promise<ReportingUnitRow[]> {
  const { rows } = await db.query<ReportingUnitRow>(
    `SELECT r.unit_id, r.role, u.name_zh FROM task_reporting_unit r JOIN unit u ON u.id = r.unit_id
      WHERE r.task_id = $1 ORDER BY r.role DESC, u.id`,
    [taskId],
  );
  return rows;
}

export async function findEnabledTask(db: Queryable, taskId: string): Promise<TaskListRow | null> {
  const { rows } = await db.query<TaskListRow>(
    `SELECT id, plan_id, section, seq, key_task_zh, deadline_zh, deadline_kind, due_on, source, NULL AS role
       FROM task WHERE id = $1 AND enabled`,
    [taskId],
  );
  return rows[0] ?? null;
}

/** The unit of a street/town government (an area account reports for it). */
export async function findAreaUnit(db: Queryable, areaId: string): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM unit WHERE kind = 'area' AND area_id = $1`,
    [areaId],
  );
  return rows[0]?.id ?? null;
}

export interface ProgressRow {
  task_id: string;
  unit_id: string;
  month: string;
  status: ProgressStatus;
  note: string;
  attachment_name: string | null;
  attachment_type: string | null;
  attachment_size: number | null;
  reported_by: string;
  reported_via: string;
  reported_at: Date;
}

const PROGRESS_COLUMNS = `task_id, unit_id, month, status, note, attachment_name, attachment_type,
  octet_length(attachment) AS attachment_size, reported_by, reported_via, reported_at`;

/**
 * The reports of `month` for the given tasks and units, and for each (task, unit) without one the latest
 * earlier report — the pre-filled answer a unit starts from (`month` of that row says which it is).
 */
export async function readProgressWithPrevious(
  db: Queryable,
  q: { taskIds: readonly string[]; unitIds: readonly string[] | null; month: string },
): Promise<ProgressRow[]> {
  const { rows } = await db.query<ProgressRow>(
    `SELECT DISTINCT ON (task_id, unit_id) ${PROGRESS_COLUMNS}
       FROM task_progress
      WHERE task_id = ANY ($1) AND ($2::text[] IS NULL OR unit_id = ANY ($2)) AND month <= $3
      ORDER BY task_id, unit_id, month DESC`,
    [q.taskIds, q.unitIds, q.month],
  );
  return rows;
}

export async function findProgress(
  db: Queryable,
  key: { taskId: string; unitId: string; month: string },
): Promise<ProgressRow | null> {
  const { rows } = await db.query<ProgressRow>(
    `SELECT ${PROGRESS_COLUMNS} FROM task_progress WHERE task_id = $1 AND unit_id = $2 AND month = $3 FOR UPDATE`,
    [key.taskId, key.unitId, key.month],
  );
  return rows[0] ?? null;
}

export interface ProgressWrite extends Reporter {
  taskId: string;
  unitId: string;
  month: string;
  status: ProgressStatus;
  note: string;
  attachment: { name: string; type: string; bytes: Buffer } | null;
}

/** Inserts or replaces a report; an omitted attachment keeps the one stored (a status update keeps its file). */
export async function upsertProgress(db: Queryable, w: ProgressWrite): Promise<ProgressRow> {
  const { rows } = await db.query<ProgressRow>(
    `INSERT INTO task_progress AS p (task_id, unit_id, month, status, note, attachment_name, attachment_type, attachment,
       reported_by, reported_by_id, reported_via, reported_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
     ON CONFLICT (task_id, unit_id, month) DO UPDATE SET status = EXCLUDED.status, note = EXCLUDED.note,
       attachment_name = COALESCE(EXCLUDED.attachment_name, p.attachment_name),
       attachment_type = COALESCE(EXCLUDED.attachment_type, p.attachment_type),
       attachment = COALESCE(EXCLUDED.attachment, p.attachment),
       reported_by = EXCLUDED.reported_by, reported_by_id = EXCLUDED.reported_by_id,
       reported_via = EXCLUDED.reported_via, reported_at = now()
     RETURNING ${PROGRESS_COLUMNS.replace(/octet_length\(attachment\)/, 'octet_length(p.attachment)')}`,
    [
      w.taskId,
      w.unitId,
      w.month,
      w.status,
      w.note,
      w.attachment?.name ?? null,
      w.attachment?.type ?? null,
      w.attachment?.bytes ?? null,
      w.reportedBy,
      w.reportedById,
      w.via,
    ],
  );
  return rows[0]!;
}
