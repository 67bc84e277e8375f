/** The statements behind task-overdue alerts (services/alerts/task-overdue.ts). */
import type { Queryable } from '../db/queryable.js';

export interface OverdueTaskRow {
  id: string;
  plan_id: string;
  key_task_zh: string;
  /** task-names.ts: the 重点任务, or what stands for it. */
  name_zh: string;
  deadline_zh: string;
  due_on: string;
  lead_official_ids: string[];
  main_unit_ids: string[];
  assist_unit_ids: string[];
  district_id: string | null;
  pending_unit_ids: string[];
  /** The same units by name, as the plan writes them (an id with no unit row stays an id). */
  pending_units_zh: string[];
}

/**
 * Tasks due before `today` (and not before `since`) that some main reporting unit has not reported 已完成 —
 * its latest report is another status, or it never reported — and that have no alert yet (one per task).
 */
export async function overdueTasksWithoutAlert(
  db: Queryable,
  today: string,
  since: string,
): Promise<OverdueTaskRow[]> {
  const { rows } = await db.query<OverdueTaskRow>(
    `WITH latest AS (
       SELECT DISTINCT ON (p.task_id, p.unit_id) p.task_id, p.unit_id, p.status
         FROM task_progress p ORDER BY p.task_id, p.unit_id, p.month DESC
     ),
     pending AS (
       SELECT r.task_id, array_agg(r.unit_id ORDER BY r.unit_id) AS unit_ids,
              array_agg(coalesce(un.name_zh, r.unit_id) ORDER BY r.unit_id) AS units_zh
         FROM task_reporting_unit r LEFT JOIN latest l ON l.task_id = r.task_id AND l.unit_id = r.unit_id
         LEFT JOIN unit un ON un.id = r.unit_id
        WHERE r.role = 'main' AND l.status IS DISTINCT FROM 'done'
        GROUP BY r.task_id
     )
     SELECT t.id, t.plan_id, t.key_task_zh, envwatch_task_name(t) AS name_zh, t.deadline_zh, t.due_on::text AS due_on, t.lead_official_ids,
            coalesce((SELECT array_agg(u.unit_id ORDER BY u.ord) FROM task_unit u
                       WHERE u.task_id = t.id AND u.role = 'main' AND u.unit_id IS NOT NULL), '{}') AS main_unit_ids,
            coalesce((SELECT array_agg(u.unit_id ORDER BY u.ord) FROM task_unit u
                       WHERE u.task_id = t.id AND u.role = 'assist' AND u.unit_id IS NOT NULL), '{}') AS assist_unit_ids,
            pl.district_id, pe.unit_ids AS pending_unit_ids,
            pe.units_zh AS pending_units_zh
       FROM task t JOIN pending pe ON pe.task_id = t.id JOIN plan pl ON pl.id = t.plan_id
      WHERE t.enabled AND t.deadline_kind IN ('due', 'several') AND t.due_on < $1::date AND t.due_on >= $2::date
        AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.kind = 'task_overdue' AND a.task_id = t.id)
      ORDER BY t.due_on, t.id`,
    [today, since],
  );
  return rows;
}

export async function setAlertTask(db: Queryable, alertId: number, taskId: string): Promise<void> {
  await db.query('UPDATE alert SET task_id = $2 WHERE id = $1', [alertId, taskId]);
}
