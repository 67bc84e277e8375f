-- The report archive: every monthly ranking report and quarterly water bulletin ever produced, with its
-- files and e-mail deliveries. A report is never overwritten: when audited data revise a month, the new
-- report is the next version of the same (kind, scope, period) and the old row points to it
-- (superseded_by), so an official can still open the bulletin they were sent.

CREATE TABLE report (
  id               bigserial PRIMARY KEY,
  kind             text NOT NULL CHECK (kind IN ('monthly', 'water_quarterly')),
  scope_id         text NOT NULL REFERENCES district(id),
  period_key       text NOT NULL CHECK (period_key ~ '^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$'),  -- 2024-03, 2021-Q1
  version          integer NOT NULL CHECK (version >= 1),
  -- provisional when any input row is provisional (data_version 0), audited otherwise; printed on the report.
  data_version     text NOT NULL CHECK (data_version IN ('provisional', 'audited')),
  -- sha256 of the measurement-derived content; a regeneration whose fingerprint equals the current version's
  -- makes no new version (statuses and alerts change daily and are not part of it).
  data_fingerprint text NOT NULL,
  reason           text NOT NULL CHECK (reason IN ('schedule', 'revision', 'on_demand')),
  summary          jsonb NOT NULL DEFAULT '{}'::jsonb,
  produced_at      timestamptz NOT NULL DEFAULT now(),
  emailed_at       timestamptz,
  superseded_by    bigint REFERENCES report(id),
  superseded_at    timestamptz,
  UNIQUE (kind, scope_id, period_key, version)
);
-- At most one current (not superseded) version per report; a racing second producer fails here.
CREATE UNIQUE INDEX report_current_idx ON report (kind, scope_id, period_key) WHERE superseded_by IS NULL;

CREATE TABLE report_file (
  report_id  bigint NOT NULL REFERENCES report(id) ON DELETE CASCADE,
  locale     text NOT NULL CHECK (locale IN ('zh-CN', 'en')),
  format     text NOT NULL CHECK (format IN ('html', 'pdf', 'xlsx', 'csv')),
  path       text NOT NULL,            -- relative to OUT_DIR
  file_name  text NOT NULL,            -- the name offered for download and in e-mail (Chinese for zh-CN)
  bytes      integer NOT NULL CHECK (bytes >= 0),
  sha256     text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  PRIMARY KEY (report_id, locale, format)
);

-- One row per (report, recipient), inserted before the message is sent: a job that runs twice (BullMQ is
-- at-least-once) finds the row already 'sent' and sends nothing.
CREATE TABLE report_delivery (
  id                  bigserial PRIMARY KEY,
  report_id           bigint NOT NULL REFERENCES report(id) ON DELETE CASCADE,
  recipient           text NOT NULL,   -- lower-cased e-mail address
  locale              text NOT NULL CHECK (locale IN ('zh-CN', 'en')),
  status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts            integer NOT NULL DEFAULT 0,
  claimed_at          timestamptz,
  sent_at             timestamptz,
  provider_message_id text,
  last_error          text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (report_id, recipient)
);
