-- Ingestion bookkeeping: every batch ends with counts that add up (received = inserted + updated +
-- unchanged + refused), and every refused row is kept with its raw content and a reason code so it can be
-- listed, fixed and re-processed.

CREATE TABLE ingest_batch (
  id           bigserial PRIMARY KEY,
  source_id    text NOT NULL,
  adapter      text NOT NULL,               -- file_drop | http_pull | http_push | bulk | city_ranking | ...
  origin       text,                        -- file name, URL or client id
  tick         text,                        -- the scheduler tick that produced it (deterministic job id)
  status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
  received     integer NOT NULL DEFAULT 0,
  inserted     integer NOT NULL DEFAULT 0,
  updated      integer NOT NULL DEFAULT 0,
  unchanged    integer NOT NULL DEFAULT 0,
  refused      integer NOT NULL DEFAULT 0,
  error        text,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  CHECK (status <> 'done' OR received = inserted + updated + unchanged + refused)
);
CREATE INDEX ingest_batch_source_idx ON ingest_batch (source_id, started_at DESC);

CREATE TABLE refused_row (
  id              bigserial PRIMARY KEY,
  batch_id        bigint NOT NULL REFERENCES ingest_batch(id),
  source_id       text NOT NULL,
  row_number      integer,
  raw             jsonb NOT NULL,            -- the row as received, before any conversion
  reason_code     text NOT NULL,             -- e.g. UNKNOWN_SERIES, NEGATIVE_VALUE, FUTURE_TIMESTAMP
  reason_detail   text NOT NULL,
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'reprocessed', 'discarded')),
  resolved_at     timestamptz,
  resolved_by     text,
  resolved_batch_id bigint REFERENCES ingest_batch(id),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refused_row_open_idx ON refused_row (source_id, created_at DESC) WHERE status = 'open';
CREATE INDEX refused_row_batch_idx ON refused_row (batch_id);

-- The last successful run of each source, for the "stale source / no data" condition.
CREATE TABLE source_status (
  source_id        text PRIMARY KEY,
  last_success_at  timestamptz,
  last_data_at     timestamptz,          -- the newest measurement time the source delivered
  last_batch_id    bigint REFERENCES ingest_batch(id),
  last_error       text,
  last_error_at    timestamptz,
  stale_since      timestamptz
);
