/**
 * The statements behind the task reminders (task-report-reminders.ts, task-deadline-reminders.ts). Which
 * tasks a unit owes a monthly report on is the SQL function envwatch_owed_tasks (migration 0075), shared
 * with the 调度 report.
 */
import type { Queryable } from '../db/queryable.js';
import type { OverdueTaskRow } from './task-overdue-queries.js';

export interface UnreportedUnitRow {
  unit_id: string;
  unit_zh: string;
  unit_en: string;
  district_id: string | null;
  owed: number;
  missing_task_ids: string[];
  /** Their names (task-names.ts), in the same order. */
  missing_task_names: string[];
  lead_official_ids: string[];
  /** official id → the unreported tasks that official leads (牵头领导), in the plan's order. */
  missing_by_lead: Record<string, string[]>;
}

/** Units with at least one owed task they have not reported on for the month (`month` = its first day). */
export async function unreportedUnits(db: Queryable, month: string): Promise<UnreportedUnitRow[]> {
  const { rows } = await db.query<UnreportedUnitRow>(
    `WITH owed AS (SELECT * FROM envwatch_owed_tasks($1::date)),
     missing AS (
       SELECT o.*, t.plan_ord, envwatch_task_name(t) AS name_zh FROM owed o JOIN task t ON t.id = o.task_id
        WHERE NOT EXISTS (SELECT 1 FROM task_progress p
                           WHERE p.task_id = o.task_id AND p.unit_id = o.unit_id AND p.month = $1::date)
     )
     SELECT m.unit_id, u.name_zh AS unit_zh, u.name_en AS unit_en,
            coalesce(u.district_id, max(pl.district_id)) AS district_id,
            (SELECT count(*)::int FROM owed o WHERE o.unit_id = m.unit_id) AS owed,
            array_agg(m.task_id ORDER BY m.plan_id, m.plan_ord NULLS LAST, m.task_id) AS missing_task_ids,
            array_agg(m.name_zh ORDER BY m.plan_id, m.plan_ord NULLS LAST, m.task_id) AS missing_task_names,
            coalesce((SELECT array_agg(DISTINCT l ORDER BY l) FROM missing m2, unnest(m2.lead_official_ids) l
                       WHERE m2.unit_id = m.unit_id), '{}') AS lead_official_ids,
            coalesce((SELECT jsonb_object_agg(l, ids) FROM (
                        SELECT l, array_agg(m3.task_id ORDER BY m3.plan_id, m3.plan_ord NULLS LAST, m3.task_id) AS ids
                          FROM missing m3, unnest(m3.lead_official_ids) l
                         WHERE m3.unit_id = m.unit_id GROUP BY l) x), '{}'::jsonb) AS missing_by_lead
       FROM missing m JOIN unit u ON u.id = m.unit_id JOIN plan pl ON pl.id = m.plan_id
      GROUP BY m.unit_id, u.name_zh, u.name_en, u.district_id
      ORDER BY m.unit_id`,
    [month],
  );
  return rows;
}

export interface ReportAlertRow {
  id: number;
  unit_id: string;
  state: string;
  escalation_step: number;
  revision: number;
}

/** Every task_report_missing alert of the month, in any state (one per unit and month, ever). */
export async function reportAlertsOfMonth(db: Queryable, periodKey: string): Promise<ReportAlertRow[]> {
  const { rows } = await db.query<ReportAlertRow>(
    `SELECT id, unit_id, state, escalation_step, revision FROM alert
      WHERE kind = 'task_report_missing' AND period_key = $1 ORDER BY id`,
    [periodKey],
  );
  return rows;
}

export async function setAlertUnit(db: Queryable, alertId: number, unitId: string): Promise<void> {
  await db.query('UPDATE alert SET unit_id = $2 WHERE id = $1', [alertId, unitId]);
}

/** A task row as the overdue alert reads it, with its pending units by name and its due-soon alert. */
export interface DueSoonTaskRow extends Omit<OverdueTaskRow, 'plan_id' | 'pending_unit_ids'> {
  alert_id: number | null;
  alert_condition: string | null;
}

/**
 * Tasks due after `today` and by `until` that some main reporting unit has not reported 已完成 (a task all
 * its main units report done is skipped), with their due-soon alert if one exists (in any state).
 */
export async function tasksDueSoon(db: Queryable, today: string, until: string): Promise<DueSoonTaskRow[]> {
  const { rows } = await db.query<DueSoonTaskRow>(
    `WITH pending AS (
       SELECT pm.task_id, array_agg(u.name_zh ORDER BY pm.unit_id) AS units_zh
         FROM task_pending_main_unit pm JOIN unit u ON u.id = pm.unit_id
        GROUP BY pm.task_id
     )
     SELECT t.id, t.key_task_zh, envwatch_task_name(t) AS name_zh, t.deadline_zh, t.due_on::text AS due_on, t.lead_official_ids,
            ti.main_unit_ids, ti.assist_unit_ids, pe.units_zh AS pending_units_zh, pl.district_id,
            a.id AS alert_id, a.condition AS alert_condition
       FROM task t JOIN pending pe ON pe.task_id = t.id JOIN task_unit_ids ti ON ti.task_id = t.id
       JOIN plan pl ON pl.id = t.plan_id
       LEFT JOIN LATERAL (SELECT id, condition FROM alert
                           WHERE kind = 'task_due_soon' AND task_id = t.id ORDER BY id DESC LIMIT 1) a ON true
      WHERE t.enabled AND t.deadline_kind IN ('due', 'several') AND t.due_on > $1::date AND t.due_on <= $2::date
      ORDER BY t.due_on, t.id`,
    [today, until],
  );
  return rows;
}

/** Live due-soon alerts whose task is due (the overdue alert takes over) or now reported done by its units. */
export async function settledDueSoonAlerts(
  db: Queryable,
  today: string,
): Promise<{ id: number; reason: string }[]> {
  const { rows } = await db.query<{ id: number; reason: string }>(
    `SELECT a.id, CASE WHEN t.due_on <= $1::date THEN 'due_date_reached' ELSE 'task_done' END AS reason
       FROM alert a JOIN task t ON t.id = a.task_id
      WHERE a.kind = 'task_due_soon' AND a.state IN ('firing', 'acknowledged')
        AND (t.due_on <= $1::date
             OR NOT EXISTS (SELECT 1 FROM task_pending_main_unit pm WHERE pm.task_id = t.id))`,
    [today],
  );
  return rows;
}

export interface TaskHeadlineRow {
  id: string;
  key_task_zh: string;
  /** task-names.ts: the 重点任务, or what stands for it. */
  name_zh: string;
  deadline_zh: string;
}

/** What a task is called in a message: its 重点任务 and 完成时限 as printed, in the plan's order. */
export async function taskHeadlines(db: Queryable, ids: readonly string[]): Promise<TaskHeadlineRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<TaskHeadlineRow>(
    `SELECT t.id, t.key_task_zh, envwatch_task_name(t) AS name_zh, t.deadline_zh FROM task t
      WHERE t.id = ANY ($1::text[]) ORDER BY t.plan_id, t.plan_ord NULLS LAST, t.id`,
    [ids],
  );
  return rows;
}
