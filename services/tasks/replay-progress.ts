/**
 * A month of progress reports written in one statement, for the demo's replayed year (issue 16 item 6): each
 * reporting unit of the year's plans answers for each of its tasks, except the units told to skip the month
 * (late) or to never report. The status follows the task's deadline: a task due by the month's end is 已完成,
 * except about one in four (chosen by a hash of its id, so every run tells the same story), which is 滞后 —
 * those become overdue alerts; recurring and ongoing tasks are 推进中. Written as 'demo', without audit rows:
 * like `envwatch seed`, it is set-up, not someone's act. Owner of task_progress writes: services/tasks/.
 */
import type { Queryable } from '../db/queryable.js';

export interface ReplayProgressPlan {
  /** 'YYYY-MM-01' */
  month: string;
  year: number;
  district: string;
  /** Only these units report (null: every unit not skipped). */
  onlyUnits: readonly string[] | null;
  /** Units that do not report this month. */
  skipUnits: readonly string[];
  /** The replayed moment of the reports (the database's now() would be the wall clock, not the demo's). */
  reportedAt: Date;
}

export async function writeReplayProgress(db: Queryable, plan: ReplayProgressPlan): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO task_progress (task_id, unit_id, month, status, note, reported_by, reported_via, reported_at)
     SELECT r.task_id, r.unit_id, $1::date,
            CASE WHEN t.due_on IS NOT NULL AND t.due_on <= ($1::date + interval '1 month - 1 day')::date
                 THEN CASE WHEN abs(hashtext(t.id)) % 4 = 0 THEN 'late' ELSE 'done' END
                 WHEN t.due_on IS NOT NULL AND abs(hashtext(t.id || r.unit_id)) % 5 = 0 THEN 'not_started'
                 ELSE 'in_progress' END,
            CASE WHEN t.due_on IS NOT NULL AND t.due_on <= ($1::date + interval '1 month - 1 day')::date
                 THEN CASE WHEN abs(hashtext(t.id)) % 4 = 0 THEN '受资金、手续影响进度滞后，已制定整改计划。'
                           ELSE '已按计划完成，相关材料已归档。' END
                 ELSE to_char($1::date, 'FMMM') || '月按计划推进：' || left(t.key_task_zh, 40) END,
            'demo', 'demo', $6
       FROM task_reporting_unit r
       JOIN task t ON t.id = r.task_id AND t.enabled
       JOIN plan p ON p.id = t.plan_id AND p.year = $2 AND p.district_id = $3
      WHERE NOT (r.unit_id = ANY ($4::text[])) AND ($5::text[] IS NULL OR r.unit_id = ANY ($5))
     ON CONFLICT (task_id, unit_id, month) DO NOTHING`,
    [plan.month, plan.year, plan.district, plan.skipUnits, plan.onlyUnits, plan.reportedAt],
  );
  return rowCount ?? 0;
}
