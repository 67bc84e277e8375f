-- Numbers the plans require that no sensor measures (issue 16 item 4): construction-site monthly inspection
-- rates (004:44, 001:520), soil safe-use rates (000:4320, 001:1056/1067, 002:4067, 002:4201), black-odorous
-- segments kept clean (002:3859-3862), spill handling within 30/60 minutes (002:2986-2989), clean-up within
-- 24 h after rain (002:3800-3801). Their metrics are of the new domain `reported`; the targets that judge them
-- are ordinary targets (config/targets, rule kind reported_value). The responsible unit reports one value per
-- scope and Asia/Shanghai month with its progress. Owner of every write: services/tasks/indicators/ (which
-- also queues the (scope, metric, month) for evaluation in the same statement, as ingest does for rankings).
ALTER TABLE metric DROP CONSTRAINT metric_domain_check;
ALTER TABLE metric ADD CONSTRAINT metric_domain_check
  CHECK (domain IN ('air', 'dust', 'water', 'rank', 'land', 'reported'));

CREATE TABLE manual_indicator_value (
  metric_id      text NOT NULL REFERENCES metric(id),
  scope_id       text NOT NULL,               -- the district or street/town the value is for
  month          date NOT NULL CHECK (extract(day FROM month) = 1),
  value          double precision NOT NULL,
  unit_id        text NOT NULL REFERENCES unit(id), -- the unit that reported it
  note           text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  reported_by    text NOT NULL,
  reported_by_id bigint,
  reported_via   text NOT NULL CHECK (reported_via IN ('api', 'web', 'xlsx', 'cli', 'demo')),
  reported_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (metric_id, scope_id, month)
);
CREATE INDEX manual_indicator_value_unit_idx ON manual_indicator_value (unit_id, month);
