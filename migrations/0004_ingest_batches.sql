-- Ingestion bookkeeping: every batch ends with counts that add up (received = inserted + updated +
-- unchanged + refused), and every refused row is kept with its raw content and a reason code so it can be
-- listed, fixed and re-processed.

CREATE TABLE ingest_batch (
  id           bigserial PRIMARY KEY,
  source_id    text NOT NULL,
  adapter      text NOT NULL,               -- file_drop | http_pull | http_push | bulk | manual | reprocess
  record_kind  text NOT NULL DEFAULT 'measurement'
               CHECK (record_kind IN ('measurement', 'city_ranking', 'sand_dust_period', 'heavy_pollution_warning')),
  origin       text,                        -- file name, URL or client id
  tick         text,                        -- the scheduler tick that produced it (deterministic job id)
  client_ref   text,                        -- HTTP push: the client's own batch reference (idempotent retries)
  status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
  received     integer NOT NULL DEFAULT 0,
  inserted     integer NOT NULL DEFAULT 0,
  updated      integer NOT NULL DEFAULT 0,
  unchanged    integer NOT NULL DEFAULT 0,
  refused      integer NOT NULL DEFAULT 0,
  newest_data_at timestamptz,               -- the latest period start the batch delivered
  error        text,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  CHECK (status <> 'done' OR received = inserted + updated + unchanged + refused)
);
CREATE INDEX ingest_batch_source_idx ON ingest_batch (source_id, started_at DESC);
-- A client retrying a push with the same reference gets the first batch back instead of a second one.
CREATE UNIQUE INDEX ingest_batch_client_ref_idx ON ingest_batch (source_id, client_ref) WHERE client_ref IS NOT NULL;

CREATE TABLE refused_row (
  id              bigserial PRIMARY KEY,
  batch_id        bigint NOT NULL REFERENCES ingest_batch(id),
  source_id       text NOT NULL,
  record_kind     text NOT NULL DEFAULT 'measurement',
  row_number      integer,                   -- line or sheet row in the delivery (header = 1), or record index
  raw             jsonb NOT NULL,            -- the row as received, before any conversion
  reason_code     text NOT NULL,             -- e.g. UNKNOWN_SERIES, NEGATIVE_VALUE, FUTURE_TIMESTAMP
  reason_detail   text NOT NULL,
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'reprocessed', 'discarded')),
  resolved_at     timestamptz,
  resolved_by     text,
  resolved_batch_id bigint REFERENCES ingest_batch(id),
  -- Re-processing a row that is refused again closes it and refuses a new row in the new batch pointing
  -- back here, so every batch's refused count equals its own refused rows.
  retry_of        bigint REFERENCES refused_row(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'open') = (resolved_at IS NULL))
);
CREATE INDEX refused_row_open_idx ON refused_row (source_id, created_at DESC) WHERE status = 'open';
CREATE INDEX refused_row_batch_idx ON refused_row (batch_id);

-- The state of each configured source, for the "stale source / no data" condition.
CREATE TABLE source_status (
  source_id        text PRIMARY KEY,
  watching_since   timestamptz NOT NULL DEFAULT now(), -- first seen by the freshness check (or first batch)
  last_success_at  timestamptz,
  last_data_at     timestamptz,          -- the newest period start the source delivered
  last_batch_id    bigint REFERENCES ingest_batch(id),
  last_error       text,
  last_error_at    timestamptz,
  last_checked_at  timestamptz,
  stale_since      timestamptz
);

-- "Stale source / no data" conditions, for the alerts engineer to deliver (distinct from a target breach).
-- One row per episode: opened when a source has not delivered the period it should have by
-- (period end + expected lag + settle window), resolved when data for that period or later arrives.
-- At most one open episode per source. Readers poll on (updated_at, id) or on open rows.
CREATE TABLE source_condition (
  id                 bigserial PRIMARY KEY,
  source_id          text NOT NULL,
  kind               text NOT NULL DEFAULT 'stale' CHECK (kind IN ('stale')),
  opened_at          timestamptz NOT NULL,
  due_period_start   timestamptz NOT NULL,  -- the first period whose data is missing
  due_at             timestamptz NOT NULL,  -- when that period's data was due (end + lag + settle window)
  last_data_at       timestamptz,           -- newest data the source had delivered when the episode opened
  detail_zh          text NOT NULL,
  detail_en          text NOT NULL,
  resolved_at        timestamptz,
  resolved_by_batch  bigint REFERENCES ingest_batch(id),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX source_condition_open_idx ON source_condition (source_id, kind) WHERE resolved_at IS NULL;
CREATE INDEX source_condition_updated_idx ON source_condition (updated_at, id);
