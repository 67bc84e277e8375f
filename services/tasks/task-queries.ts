/** Task rows and their units (config/tasks → task, task_unit): one named function per statement. */
import type { Queryable } from '../db/queryable.js';
import { NotFoundError } from '../errors.js';
import { taskFileSchema, type Deadline, type TaskFile, type TaskFileInput } from './task-schema.js';

/** The latest due date a deadline gives, and its recurrence: the columns queries filter on. */
function deadlineColumns(d: Deadline): { due_on: string | null; recurrence: string | null } {
  const parts = d.kind === 'several' ? d.parts : [d];
  const dues = parts.flatMap((p) => (p.kind === 'due' ? [p.due] : [])).sort();
  const recurring = parts.find((p) => p.kind === 'recurring');
  return {
    due_on: dues.at(-1) ?? null,
    recurrence: recurring?.kind === 'recurring' ? recurring.every : null,
  };
}

export async function assertPlanExists(db: Queryable, planId: string): Promise<void> {
  const { rowCount } = await db.query('SELECT 1 FROM plan WHERE id = $1', [planId]);
  if (rowCount !== 1)
    throw new NotFoundError(
      `plan "${planId}" of config/tasks/${planId}.yaml is not in the database: seed its targets first`,
    );
}

/**
 * Stores a plan's task rows. Unchanged rows are not rewritten (a second seed changes nothing); rows the file
 * no longer holds are disabled, not deleted, so their progress reports stay readable.
 * Returns how many rows were inserted or changed.
 */
export async function upsertTasks(db: Queryable, file: TaskFile): Promise<number> {
  // plan_ord: the row's place in the file, which is the plan's order (migration 0140); lists for a unit sort by it.
  const rows = file.tasks.map((t, i) => ({
    id: t.id,
    plan_ord: i + 1,
    section: t.section,
    heading: t.heading,
    seq: t.seq,
    key_task_zh: t.key_task_zh,
    measures_zh: t.measures_zh,
    deadline_zh: t.deadline_zh,
    deadline_kind: t.deadline.kind,
    ...deadlineColumns(t.deadline),
    lead_official_ids: t.lead_officials.flatMap((o) => (o.official_id === null ? [] : [o.official_id])),
    target_ids: t.targets,
    source: t.source,
    definition: t,
  }));
  const { rowCount } = await db.query(
    `INSERT INTO task (id, plan_id, section, heading, seq, key_task_zh, measures_zh, deadline_zh, deadline_kind, due_on,
       recurrence, lead_official_ids, target_ids, source, enabled, definition, plan_ord)
     SELECT r.id, $1, r.section, r.heading, r.seq, r.key_task_zh, r.measures_zh, r.deadline_zh, r.deadline_kind, r.due_on,
            r.recurrence, r.lead_official_ids, r.target_ids, r.source, true, r.definition, r.plan_ord
       FROM jsonb_to_recordset($2::jsonb) AS r(id text, section text, heading text, seq text, key_task_zh text,
            measures_zh text[], deadline_zh text, deadline_kind text, due_on date, recurrence text,
            lead_official_ids text[], target_ids text[], source text, definition jsonb, plan_ord int)
     ON CONFLICT (id) DO UPDATE SET plan_id = EXCLUDED.plan_id, section = EXCLUDED.section, heading = EXCLUDED.heading,
       seq = EXCLUDED.seq, key_task_zh = EXCLUDED.key_task_zh, measures_zh = EXCLUDED.measures_zh,
       deadline_zh = EXCLUDED.deadline_zh, deadline_kind = EXCLUDED.deadline_kind, due_on = EXCLUDED.due_on,
       recurrence = EXCLUDED.recurrence, lead_official_ids = EXCLUDED.lead_official_ids,
       target_ids = EXCLUDED.target_ids, source = EXCLUDED.source, enabled = true, definition = EXCLUDED.definition,
       plan_ord = EXCLUDED.plan_ord, loaded_at = now()
     WHERE (task.definition, task.enabled, task.plan_id, task.plan_ord)
           IS DISTINCT FROM (EXCLUDED.definition, true, EXCLUDED.plan_id, EXCLUDED.plan_ord)`,
    [file.plan.id, JSON.stringify(rows)],
  );
  return rowCount ?? 0;
}

/** Replaces the unit rows of a plan's tasks with the file's (same result every time: idempotent). */
export async function replaceTaskUnits(db: Queryable, file: TaskFile): Promise<number> {
  const ids = file.tasks.map((t) => t.id);
  await db.query('DELETE FROM task_unit WHERE task_id = ANY ($1)', [ids]);
  const rows = file.tasks.flatMap((t) => t.units.map((u, ord) => ({ task_id: t.id, ord, ...u })));
  const { rowCount } = await db.query(
    `INSERT INTO task_unit (task_id, ord, role, label, name_zh, unit_id)
     SELECT r.task_id, r.ord, r.role, r.label, r.name_zh, u.id
       FROM jsonb_to_recordset($1::jsonb) AS r(task_id text, ord int, role text, label text, name_zh text, unit_id text)
       LEFT JOIN unit u ON u.id = r.unit_id`,
    [JSON.stringify(rows)],
  );
  return rowCount ?? 0;
}

export async function disableTasksNotIn(
  db: Queryable,
  planId: string,
  ids: readonly string[],
): Promise<number> {
  const { rowCount } = await db.query(
    'UPDATE task SET enabled = false WHERE plan_id = $1 AND enabled AND NOT (id = ANY ($2))',
    [planId, ids],
  );
  return rowCount ?? 0;
}

export interface TaskSeedCounts {
  tasks: number;
  changed: number;
  units: number;
  disabled: number;
}

/** One plan's file into the database; run it inside the caller's transaction. */
export async function seedTaskFile(db: Queryable, input: TaskFile | TaskFileInput): Promise<TaskSeedCounts> {
  const file = taskFileSchema.parse(input);
  await assertPlanExists(db, file.plan.id);
  const changed = await upsertTasks(db, file);
  const units = await replaceTaskUnits(db, file);
  const disabled = await disableTasksNotIn(
    db,
    file.plan.id,
    file.tasks.map((t) => t.id),
  );
  return { tasks: file.tasks.length, changed, units, disabled };
}
