-- The plan's order of a task row (issue #17/#20 leftovers): a unit's tasks were listed by id, which sorts the
-- sections alphabetically (TZ24-AIR…, TZ24-SOIL…, TZ24-WAT…) where the plan prints 蓝天, 碧水, 净土 — the
-- 碧水 rows a lead official looks for came after the 净土 ones. plan_ord is the row's position in
-- config/tasks/<plan>.yaml, which the extractor writes in the plan document's order; `envwatch seed` sets it
-- (services/tasks/task-queries.ts). Rows seeded before this migration get the order of their citation's first
-- line in the seed file (`002:2512-2523` → 2512), which is the same order: the extracted files cite
-- monotonically rising lines. A row without one (hand-written) sorts after the others, by id.
ALTER TABLE task ADD COLUMN plan_ord integer;

UPDATE task SET plan_ord = o.ord
  FROM (SELECT id, row_number() OVER (PARTITION BY plan_id
                                      ORDER BY substring(source FROM '^[^:]*:(\d+)')::int NULLS LAST, id) AS ord
          FROM task) o
 WHERE task.id = o.id;
