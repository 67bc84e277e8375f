-- The task rows of the action plans (loaded from config/tasks/*.yaml by `envwatch seed`) and the monthly
-- progress each responsible unit reports on them (按月上报进展情况, 001:554). Owner of every write:
-- services/tasks/. Every change of task_progress is written to audit_log in the same transaction.

CREATE TABLE task (
  id                text PRIMARY KEY,            -- e.g. TZ24-AIR-012, BDA20-AIR-011.3
  plan_id           text NOT NULL REFERENCES plan(id),
  section           text NOT NULL,               -- 蓝天 / 碧水 / 净土 / 应对气候变化 / 生态保护; 大气 / 水 / 土壤 (2021)
  heading           text,                        -- 一、主要目标 …
  seq               text NOT NULL,               -- 序号 as printed ('' where the seed lost it)
  key_task_zh       text NOT NULL,               -- 重点任务
  measures_zh       text[] NOT NULL,             -- 工作措施, one element per paragraph
  deadline_zh       text NOT NULL,               -- 完成时限 as written
  deadline_kind     text NOT NULL CHECK (deadline_kind IN ('due', 'recurring', 'ongoing', 'milestone', 'several', 'unparsed')),
  due_on            date,                        -- the (latest) due date when the wording gives one
  recurrence        text CHECK (recurrence IN ('month', 'quarter', 'half_year', 'year')),
  lead_official_ids text[] NOT NULL DEFAULT '{}', -- 牵头领导 in the plan's order (resolved ones)
  target_ids        text[] NOT NULL DEFAULT '{}', -- the measured targets this row serves
  source            text NOT NULL,               -- citation, e.g. 002:2512-2523
  enabled           boolean NOT NULL DEFAULT true, -- a row gone from the files is disabled, its progress kept
  definition        jsonb NOT NULL,              -- the validated YAML entry, kept whole
  loaded_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_plan_idx ON task (plan_id, section);

-- The units of a row as written: role main (主责单位/牵头部门/牵头单位) or assist (协办单位/责任单位/协办部门),
-- the column label as printed, the name as printed, and the unit it resolves to (null: listed by check-tasks).
CREATE TABLE task_unit (
  task_id text NOT NULL REFERENCES task(id) ON DELETE CASCADE,
  ord     integer NOT NULL,
  role    text NOT NULL CHECK (role IN ('main', 'assist')),
  label   text NOT NULL,
  name_zh text NOT NULL,
  unit_id text REFERENCES unit(id) ON DELETE SET NULL, -- a unit dropped from the reference leaves the name
  PRIMARY KEY (task_id, ord)
);
CREATE INDEX task_unit_unit_idx ON task_unit (unit_id);

-- Who reports on a task: each named unit, with collectives expanded — 各街道乡镇 (area_of_scope / all_areas)
-- to every street/town government of the plan's district, a members collective to its members. A collective
-- with no expansion reports through the row's other units. A unit named twice keeps its main role.
CREATE VIEW task_reporting_unit AS
SELECT DISTINCT ON (x.task_id, x.unit_id) x.task_id, x.unit_id, x.role
  FROM (
    SELECT tu.task_id, tu.unit_id, tu.role
      FROM task_unit tu JOIN unit u ON u.id = tu.unit_id
     WHERE u.kind <> 'collective'
    UNION ALL
    SELECT tu.task_id, g.id, tu.role
      FROM task_unit tu
      JOIN unit u ON u.id = tu.unit_id AND u.kind = 'collective' AND u.expands_to IN ('area_of_scope', 'all_areas')
      JOIN task t ON t.id = tu.task_id
      JOIN plan p ON p.id = t.plan_id
      JOIN unit g ON g.kind = 'area' AND g.district_id = p.district_id
    UNION ALL
    SELECT tu.task_id, m.member, tu.role
      FROM task_unit tu
      JOIN unit u ON u.id = tu.unit_id AND u.kind = 'collective' AND u.expands_to = 'members'
      CROSS JOIN LATERAL unnest(u.members) AS m(member)
  ) x
 ORDER BY x.task_id, x.unit_id, x.role DESC; -- 'main' > 'assist'

-- One report per task, unit and Asia/Shanghai month (the first day of the month).
CREATE TABLE task_progress (
  task_id         text NOT NULL REFERENCES task(id),
  unit_id         text NOT NULL REFERENCES unit(id),
  month           date NOT NULL CHECK (extract(day FROM month) = 1),
  status          text NOT NULL CHECK (status IN ('not_started', 'in_progress', 'done', 'late', 'not_applicable')),
  note            text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  attachment_name text,
  attachment_type text,
  attachment      bytea CHECK (octet_length(attachment) <= 5242880),
  reported_by     text NOT NULL,               -- username at the time (audit_log has the full trail)
  reported_by_id  bigint,
  reported_via    text NOT NULL CHECK (reported_via IN ('api', 'web', 'xlsx', 'cli', 'demo')),
  reported_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task_id, unit_id, month),
  CHECK ((attachment IS NULL) = (attachment_name IS NULL))
);
CREATE INDEX task_progress_unit_month_idx ON task_progress (unit_id, month);
