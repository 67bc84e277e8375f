-- A task past its due date without 已完成 is an alert of its own kind (issue #16 item 3): it goes through the
-- same lifecycle (acknowledge, resolve, close) and deliveries as a target alert. task_id says which row.
ALTER TABLE alert DROP CONSTRAINT alert_kind_check;
ALTER TABLE alert ADD CONSTRAINT alert_kind_check
  CHECK (kind IN ('target', 'stale_source', 'heavy_pollution_warning', 'operational', 'task_overdue'));
ALTER TABLE alert ADD COLUMN task_id text REFERENCES task(id);
CREATE INDEX alert_task_idx ON alert (task_id) WHERE task_id IS NOT NULL;
