-- Alerts, their deliveries and the transactional outbox. An alert change and the deliveries it causes
-- are written in the same transaction; a relay moves outbox rows to the queue, and each delivery is
-- claimed by its idempotency key before anything is sent, so a crash can neither lose nor repeat one.

CREATE TABLE alert (
  id                 bigserial PRIMARY KEY,
  kind               text NOT NULL CHECK (kind IN ('target', 'stale_source', 'heavy_pollution_warning', 'operational')),
  -- One open alert per (target, scope, period) — or per source, warning, operational key.
  dedupe_key         text NOT NULL,
  target_id          text REFERENCES target(id),
  scope_id           text,
  period_key         text,
  state              text NOT NULL DEFAULT 'firing' CHECK (state IN ('firing', 'acknowledged', 'resolved', 'closed')),
  severity           text NOT NULL CHECK (severity IN ('critical', 'warning', 'notice')),
  condition          text NOT NULL,            -- breached | at_risk | stale | warning_issued | ...
  title_zh           text NOT NULL,
  title_en           text NOT NULL,
  body_zh            text NOT NULL,
  body_en            text NOT NULL,
  evaluation_id      bigint REFERENCES evaluation(id),
  opened_at          timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  acknowledged_at    timestamptz,
  acknowledged_by    text,
  ack_comment        text,
  resolved_at        timestamptz,
  closed_at          timestamptz,
  escalation_step    integer NOT NULL DEFAULT 0,
  next_escalation_at timestamptz
);
CREATE UNIQUE INDEX alert_one_open_idx ON alert (dedupe_key) WHERE state IN ('firing', 'acknowledged');
CREATE INDEX alert_state_idx ON alert (state, opened_at DESC);

CREATE TABLE alert_event (
  id        bigserial PRIMARY KEY,
  alert_id  bigint NOT NULL REFERENCES alert(id),
  at        timestamptz NOT NULL DEFAULT now(),
  kind      text NOT NULL,                     -- opened | updated | acknowledged | escalated | resolved | closed | comment
  actor     text,
  detail    jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX alert_event_alert_idx ON alert_event (alert_id, at);

CREATE TABLE delivery (
  id                  bigserial PRIMARY KEY,
  alert_id            bigint REFERENCES alert(id),
  recipient_id        text NOT NULL,           -- contact id
  channel             text NOT NULL CHECK (channel IN ('email', 'sms')),
  step                text NOT NULL,           -- initial | update:<n> | escalation:<n> | digest:<day> | fallback ...
  idempotency_key     text NOT NULL UNIQUE,    -- alert × recipient × channel × step
  status              text NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled', 'deferred')),
  not_before          timestamptz NOT NULL DEFAULT now(),
  attempts            integer NOT NULL DEFAULT 0,
  provider_message_id text,
  last_error          text,
  payload             jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at          timestamptz NOT NULL DEFAULT now(),
  sent_at             timestamptz
);
CREATE INDEX delivery_pending_idx ON delivery (not_before) WHERE status IN ('pending', 'deferred');
CREATE INDEX delivery_alert_idx ON delivery (alert_id);

CREATE TABLE delivery_attempt (
  id                  bigserial PRIMARY KEY,
  delivery_id         bigint NOT NULL REFERENCES delivery(id),
  attempt_no          integer NOT NULL,
  at                  timestamptz NOT NULL DEFAULT now(),
  outcome             text NOT NULL CHECK (outcome IN ('sent', 'temporary_failure', 'permanent_failure')),
  response_code       text,
  response            text,
  provider_message_id text
);
CREATE INDEX delivery_attempt_delivery_idx ON delivery_attempt (delivery_id);

-- Transactional outbox: rows written with the state change, relayed to BullMQ, marked relayed.
CREATE TABLE outbox (
  id          bigserial PRIMARY KEY,
  queue       text NOT NULL,
  job_name    text NOT NULL,
  job_id      text NOT NULL,                   -- deterministic: a re-relay collapses in BullMQ
  payload     jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  relayed_at  timestamptz
);
CREATE INDEX outbox_unrelayed_idx ON outbox (id) WHERE relayed_at IS NULL;
