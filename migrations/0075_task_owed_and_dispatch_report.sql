-- Which tasks a unit owes a monthly progress report on (按月上报进展情况, 001:554), as one SQL function, so
-- the cut-off reminders (services/alerts) and the monthly 调度 report (services/reports) — two layers that
-- may not import each other — count the same thing. For the month starting `m`: enabled tasks the unit
-- reports on (task_reporting_unit, collectives expanded) whose plan year has begun and whose window — the
-- plan's year, or up to the due date when that is later — still covers the month, and that the unit had not
-- closed by an earlier report of 已完成 or 不适用. A report of 已完成 in the month itself still counts as owed
-- (and done) that month.
CREATE FUNCTION envwatch_owed_tasks(m date)
RETURNS TABLE (task_id text, unit_id text, role text, plan_id text, due_on date, lead_official_ids text[])
LANGUAGE sql STABLE AS $$
  SELECT r.task_id, r.unit_id, r.role, t.plan_id, t.due_on, t.lead_official_ids
    FROM task_reporting_unit r
    JOIN task t ON t.id = r.task_id AND t.enabled
    JOIN plan pl ON pl.id = t.plan_id
   WHERE make_date(pl.year, 1, 1) <= m
     AND m <= greatest(make_date(pl.year, 12, 31), coalesce(t.due_on, make_date(pl.year, 12, 31)))
     AND NOT EXISTS (
       SELECT 1 FROM task_progress p
        WHERE p.task_id = r.task_id AND p.unit_id = r.unit_id AND p.month < m
          AND p.status IN ('done', 'not_applicable'))
$$;

-- The monthly 调度 report (issue #16 item 5) is archived beside the ranking report and the water bulletin.
ALTER TABLE report DROP CONSTRAINT report_kind_check;
ALTER TABLE report ADD CONSTRAINT report_kind_check
  CHECK (kind IN ('monthly', 'water_quarterly', 'task_dispatch'));
