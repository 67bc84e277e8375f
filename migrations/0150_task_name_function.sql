-- What a task is called where a person reads it (task messages, the unit's task page): the row's 重点任务; a
-- row whose 重点任务 cell the seed lost (96 of the 699 rows, mostly merged cells) by its heading without the
-- number (一、空气质量目标 → 空气质量目标), else by its first measure. One function, because the alerts and the
-- tasks layers both select it and neither may import the other (as envwatch_owed_tasks, migration 0075);
-- the rule had been written twice. A simple SQL function: the planner inlines it.
CREATE FUNCTION envwatch_task_name(t task) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(nullif(t.key_task_zh, ''),
                  nullif(regexp_replace(coalesce(t.heading, ''), '^\s*[一二三四五六七八九十百]+\s*[、.．]\s*', ''), ''),
                  t.measures_zh[1], '')
$$;
