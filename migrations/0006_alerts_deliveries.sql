-- Alerts, their deliveries and the transactional outbox. An alert change and the deliveries it causes
-- are written in the same transaction; a relay moves outbox rows to the queue, and each delivery is
-- claimed by its idempotency key (with a lease) before anything is sent, so a crash loses nothing and
-- repeats nothing that the provider can deduplicate (see docs/decisions.md, "exactly once").
-- Every timestamp the lifecycle depends on is written from the application's clock (tests inject one);
-- the column defaults are only a fallback for hand-written rows.

CREATE TABLE alert (
  id                 bigserial PRIMARY KEY,
  kind               text NOT NULL CHECK (kind IN ('target', 'stale_source', 'heavy_pollution_warning', 'operational')),
  -- One alert that is not closed per (target, scope, period) — or per source, warning, operational key.
  -- A resolved alert that fires again in the same period is reopened, not duplicated.
  dedupe_key         text NOT NULL,
  target_id          text REFERENCES target(id),
  scope_id           text,
  period_key         text,
  source_id          text,                     -- stale_source: source_status.source_id
  warning_id         bigint REFERENCES heavy_pollution_warning(id),
  warning_level      text CHECK (warning_level IN ('blue', 'yellow', 'orange', 'red')),
  district_id        text REFERENCES district(id),
  -- The contact-directory year used for routing (the plan year for targets): officials rotate.
  directory_year     integer NOT NULL,
  state              text NOT NULL DEFAULT 'firing' CHECK (state IN ('firing', 'acknowledged', 'resolved', 'closed')),
  severity           text NOT NULL CHECK (severity IN ('critical', 'warning', 'notice')),
  -- SMS for an urgent alert ignores working and quiet hours (hard-target breaches, heavy-pollution warnings).
  urgent             boolean NOT NULL DEFAULT false,
  condition          text NOT NULL,            -- breached | at_risk | met (recovering) | stale | issued | lifted | failed
  title_zh           text NOT NULL,
  title_en           text NOT NULL,
  body_zh            text NOT NULL,
  body_en            text NOT NULL,
  facts              jsonb NOT NULL DEFAULT '{}'::jsonb,   -- short values the SMS templates and e-mails use
  evaluation_id      bigint REFERENCES evaluation(id),
  revision           integer NOT NULL DEFAULT 1,           -- +1 on every reopen; delivery steps carry it
  opened_at          timestamptz NOT NULL DEFAULT now(),
  fired_at           timestamptz NOT NULL DEFAULT now(),   -- last time it (re)entered 'firing'
  updated_at         timestamptz NOT NULL DEFAULT now(),
  acknowledged_at    timestamptz,
  acknowledged_by    text,
  ack_comment        text,
  resolved_at        timestamptz,
  resolved_reason    text,
  closed_at          timestamptz,
  closed_by          text,
  escalation_step    integer NOT NULL DEFAULT 0,           -- 1 = lead officials told, 2 = district leadership
  next_escalation_at timestamptz,
  deadline_at        timestamptz                           -- the instant the target's deadline passes
);
CREATE UNIQUE INDEX alert_one_open_idx ON alert (dedupe_key) WHERE state <> 'closed';
CREATE INDEX alert_state_idx ON alert (state, opened_at DESC);
CREATE INDEX alert_escalation_idx ON alert (next_escalation_at) WHERE state = 'firing' AND next_escalation_at IS NOT NULL;
CREATE INDEX alert_target_idx ON alert (target_id, scope_id, period_key);

-- The last Shanghai day of a period key (2024, 2024-Q1, 2024-03), as services/time/periods.ts defines them;
-- a resolved target alert is closed once its period is over.
CREATE FUNCTION envwatch_period_end(key text) RETURNS date LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN key ~ '^\d{4}$' THEN make_date(key::int, 12, 31)
    WHEN key ~ '^\d{4}-Q[1-4]$' THEN (make_date(left(key, 4)::int, substr(key, 7, 1)::int * 3, 1) + interval '1 month - 1 day')::date
    WHEN key ~ '^\d{4}-\d{2}$' THEN (make_date(left(key, 4)::int, right(key, 2)::int, 1) + interval '1 month - 1 day')::date
  END
$$;

CREATE TABLE alert_event (
  id        bigserial PRIMARY KEY,
  alert_id  bigint NOT NULL REFERENCES alert(id),
  at        timestamptz NOT NULL DEFAULT now(),
  kind      text NOT NULL,   -- opened | updated | acknowledged | escalated | resolved | reopened | closed | comment
  actor     text,
  detail    jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX alert_event_alert_idx ON alert_event (alert_id, at);

CREATE TABLE delivery (
  id                  bigserial PRIMARY KEY,
  alert_id            bigint REFERENCES alert(id),       -- NULL for a digest
  -- The contact id, deliberately without a foreign key: the directory is re-seeded and people leave, but
  -- the record of who was told what must stay. The address and locale are kept as they were at the time.
  recipient_id        text NOT NULL,
  recipient_role      text NOT NULL CHECK (recipient_role IN ('main', 'assist', 'lead', 'leadership', 'command', 'area', 'ops')),
  channel             text NOT NULL CHECK (channel IN ('email', 'sms')),
  address             text NOT NULL,
  locale              text NOT NULL CHECK (locale IN ('zh-CN', 'en')),
  step                text NOT NULL,                     -- open:1 | breached:1 | escalation:1:1 | resolved:1 | level:red | lifted | digest:<day> | …~fallback
  mode                text NOT NULL DEFAULT 'immediate' CHECK (mode IN ('immediate', 'digest')),
  idempotency_key     text NOT NULL UNIQUE,              -- alert × recipient × channel × step
  status              text NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'deferred', 'sending', 'sent', 'failed', 'cancelled', 'digested', 'unknown')),
  not_before          timestamptz NOT NULL DEFAULT now(),
  lease_until         timestamptz,                       -- while 'sending': the claim expires here
  attempts            integer NOT NULL DEFAULT 0,
  enqueued            integer NOT NULL DEFAULT 0,        -- times put on the queue; part of the job id
  message_id          text,                              -- e-mail Message-ID / SMS OutId, fixed at the first claim
  provider_message_id text,
  last_error          text,
  last_error_code     text,
  fallback_of         bigint REFERENCES delivery(id),
  digest_id           bigint REFERENCES delivery(id),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  sent_at             timestamptz
);
CREATE INDEX delivery_deferred_idx ON delivery (not_before) WHERE status = 'deferred';
CREATE INDEX delivery_lease_idx ON delivery (lease_until) WHERE status = 'sending';
CREATE INDEX delivery_digest_items_idx ON delivery (created_at) WHERE mode = 'digest' AND status = 'pending';
CREATE INDEX delivery_alert_idx ON delivery (alert_id);
CREATE INDEX delivery_digest_idx ON delivery (digest_id) WHERE digest_id IS NOT NULL;
-- The per-phone daily SMS cap counts what was sent (or is being sent) to an address today.
CREATE INDEX delivery_sms_cap_idx ON delivery (address, sent_at) WHERE channel = 'sms';

CREATE TABLE delivery_attempt (
  id                  bigserial PRIMARY KEY,
  delivery_id         bigint NOT NULL REFERENCES delivery(id),
  attempt_no          integer NOT NULL,
  at                  timestamptz NOT NULL DEFAULT now(),  -- started
  -- E-mail: the whole message was with the server, only the terminating "." was still to be written. A
  -- crash before this is set left nothing at the server (a truncated DATA is discarded): safe to resend.
  data_sent_at        timestamptz,
  finished_at         timestamptz,
  -- NULL while in flight. 'interrupted': the worker died with the claim held (the lease expired); what
  -- happened next is decided from this evidence (SMS: resend with the same OutId; e-mail: data_sent_at
  -- NULL → resend, else EMAIL_AMBIGUOUS_POLICY).
  outcome             text CHECK (outcome IN ('sent', 'temporary_failure', 'permanent_failure', 'interrupted', 'suppressed')),
  response_code       text,
  response            text,
  provider_message_id text,
  UNIQUE (delivery_id, attempt_no)
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
CREATE INDEX outbox_relayed_idx ON outbox (relayed_at) WHERE relayed_at IS NOT NULL;

-- Wake the relay as soon as a transaction that wrote outbox rows commits (NOTIFY is delivered at commit,
-- and identical notifications in one transaction collapse into one), so no writer has to remember to.
CREATE FUNCTION envwatch_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('envwatch_outbox', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION envwatch_outbox_notify();

-- The alert sweep (escalations, quiet hours, retries, digests, warnings, stale sources) records each run,
-- so `doctor` and the metrics can tell when it has stopped.
CREATE TABLE alert_sweep_run (
  id            smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  last_run_at   timestamptz NOT NULL,
  last_summary  jsonb NOT NULL DEFAULT '{}'::jsonb
);
