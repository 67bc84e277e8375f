-- Reminders of the monthly task progress (issue #16 item 3) are alerts of two more kinds, so they go through
-- the same routing, grouping, acknowledgement and delivery rows (unique alert × recipient × channel × step)
-- as every other alert:
--   task_report_missing — one per unit and month: the unit has not reported by the cut-off (reminder), then
--                         N working days later its tasks' lead officials are told (the escalation step);
--   task_due_soon       — one per task: its units are reminded 30/7/1 working days before its due date, each
--                         reminder a new revision of the same alert.
-- unit_id says which unit a task_report_missing alert is about (the task of a due-soon alert is task_id).
ALTER TABLE alert DROP CONSTRAINT alert_kind_check;
ALTER TABLE alert ADD CONSTRAINT alert_kind_check
  CHECK (kind IN ('target', 'stale_source', 'heavy_pollution_warning', 'operational', 'task_overdue',
                  'task_report_missing', 'task_due_soon'));
ALTER TABLE alert ADD COLUMN unit_id text REFERENCES unit(id);
CREATE INDEX alert_unit_period_idx ON alert (unit_id, period_key) WHERE unit_id IS NOT NULL;
