-- The action plans' targets as data (loaded from config/targets/*.yaml) and their evaluations with history.

CREATE TABLE plan (
  id           text PRIMARY KEY,              -- tongzhou-2024, tongzhou-2021, tongzhou-2020, bda-2020
  district_id  text NOT NULL REFERENCES district(id),
  year         integer NOT NULL,
  name_zh      text NOT NULL,
  name_en      text NOT NULL,
  document_no  text,                          -- e.g. 通政发〔2024〕7号
  issued_on    date,
  source       text
);

CREATE TABLE target (
  id               text PRIMARY KEY,          -- e.g. TZ24-AIR-01
  plan_id          text NOT NULL REFERENCES plan(id),
  row_no           text,                      -- 序号 as printed
  clause_zh        text NOT NULL,             -- the clause as the plan writes it
  title_zh         text NOT NULL,
  title_en         text NOT NULL,
  metric_id        text NOT NULL REFERENCES metric(id),
  scope_kind       text NOT NULL CHECK (scope_kind IN ('district', 'each_area', 'areas', 'sections', 'each_section')),
  scope_ids        text[] NOT NULL DEFAULT '{}',
  period_kind      text NOT NULL CHECK (period_kind IN ('year', 'quarter', 'month')),
  period_year      integer NOT NULL,          -- the year the target's periods fall in (2024 row 45 is for 2025)
  rule_kind        text NOT NULL,
  params           jsonb NOT NULL DEFAULT '{}'::jsonb,
  strictness       text NOT NULL CHECK (strictness IN ('hard', 'soft')),
  exclude_sand_dust boolean NOT NULL DEFAULT false,
  deadline_zh      text,
  deadline         date,
  lead_official_ids text[] NOT NULL DEFAULT '{}',
  main_unit_ids    text[] NOT NULL DEFAULT '{}',
  assist_unit_ids  text[] NOT NULL DEFAULT '{}',
  source           text NOT NULL,             -- citation, e.g. 002:2391
  enabled          boolean NOT NULL DEFAULT true,
  definition       jsonb NOT NULL,            -- the validated YAML entry, kept whole
  loaded_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX target_metric_idx ON target (metric_id);
CREATE INDEX target_plan_idx ON target (plan_id);

-- Every evaluation run; evaluation_current holds the latest per (target, scope, period).
CREATE TABLE evaluation (
  id             bigserial PRIMARY KEY,
  target_id      text NOT NULL REFERENCES target(id),
  scope_id       text NOT NULL,
  period_key     text NOT NULL,               -- 2024, 2024-Q1, 2024-03
  as_of          date NOT NULL,               -- last Shanghai day of data considered
  status         text NOT NULL CHECK (status IN ('met', 'at_risk', 'breached', 'insufficient_data')),
  value          double precision,
  threshold      double precision,
  coverage       double precision,            -- share of the elapsed period with valid data, 0..1
  data_version   text NOT NULL CHECK (data_version IN ('provisional', 'audited', 'mixed', 'none')),
  final          boolean NOT NULL DEFAULT false, -- the data reached the period's last day: a verdict, not a projection
  explanation_zh text NOT NULL,
  explanation_en text NOT NULL,
  details        jsonb NOT NULL DEFAULT '{}'::jsonb,
  evaluated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evaluation_key_idx ON evaluation (target_id, scope_id, period_key, evaluated_at DESC);

CREATE TABLE evaluation_current (
  target_id          text NOT NULL REFERENCES target(id),
  scope_id           text NOT NULL,
  period_key         text NOT NULL,
  evaluation_id      bigint NOT NULL REFERENCES evaluation(id),
  status             text NOT NULL,
  previous_status    text,
  status_since       timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  -- Hash of what the evaluation says (as_of, status, numbers, explanation): a re-evaluation with the same
  -- fingerprint is not stored again, and the engine skips it before sending it to the database.
  fingerprint        text,
  PRIMARY KEY (target_id, scope_id, period_key)
);
CREATE INDEX evaluation_current_status_idx ON evaluation_current (status);
-- Reports and the API read the current status by period and scope (targets-status-queries.ts).
CREATE INDEX evaluation_current_period_scope_idx ON evaluation_current (period_key, scope_id);
