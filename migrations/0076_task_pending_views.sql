-- Two views of a task's units the task reminders read (services/alerts/task-reminder-queries.ts), so the
-- statements say what they ask instead of repeating the same DISTINCT ON and array_agg subqueries:
--   task_pending_main_unit — the main reporting units (collectives expanded) whose latest report is neither
--                            已完成 nor 不适用 (or who never reported): while a task has one, it is not done;
--   task_unit_ids          — a task's resolved main and assisting unit ids in the plan's order, for routing.
CREATE VIEW task_pending_main_unit AS
SELECT r.task_id, r.unit_id
  FROM task_reporting_unit r
 WHERE r.role = 'main'
   AND coalesce((SELECT p.status FROM task_progress p
                  WHERE p.task_id = r.task_id AND p.unit_id = r.unit_id
                  ORDER BY p.month DESC LIMIT 1), '') NOT IN ('done', 'not_applicable');

CREATE VIEW task_unit_ids AS
SELECT t.id AS task_id,
       coalesce(array_agg(u.unit_id ORDER BY u.ord) FILTER (WHERE u.role = 'main' AND u.unit_id IS NOT NULL), '{}') AS main_unit_ids,
       coalesce(array_agg(u.unit_id ORDER BY u.ord) FILTER (WHERE u.role = 'assist' AND u.unit_id IS NOT NULL), '{}') AS assist_unit_ids
  FROM task t LEFT JOIN task_unit u ON u.task_id = t.id
 GROUP BY t.id;
