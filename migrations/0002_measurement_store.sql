-- The measurement store. With the timescaledb extension available (docker-compose runs the Timescale
-- image) `measurement` is a hypertable with compression; otherwise it is a natively partitioned table
-- (one partition per UTC month, created on demand by envwatch_ensure_measurement_partitions). The choice
-- is made once, here, and recorded in envwatch_storage so later migrations and the service follow it.
-- The session setting envwatch.storage_mode (auto | timescale | plain, from STORAGE_MODE) can force it.

CREATE TABLE envwatch_storage (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  mode       text NOT NULL CHECK (mode IN ('timescale', 'plain')),
  chosen_at  timestamptz NOT NULL DEFAULT now()
);

DO $$
DECLARE
  wanted    text := coalesce(nullif(current_setting('envwatch.storage_mode', true), ''), 'auto');
  -- The extension must be both installed and preloaded; CREATE EXTENSION fails otherwise.
  available boolean := EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
                       AND current_setting('shared_preload_libraries', true) ~ 'timescaledb';
  chosen    text;
BEGIN
  IF wanted = 'timescale' AND NOT available THEN
    RAISE EXCEPTION 'STORAGE_MODE=timescale but the timescaledb extension is not available (installed and in shared_preload_libraries)';
  END IF;
  chosen := CASE WHEN wanted = 'plain' THEN 'plain' WHEN available THEN 'timescale' ELSE 'plain' END;
  IF chosen = 'timescale' THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
  END IF;
  INSERT INTO envwatch_storage (mode) VALUES (chosen);
END $$;

-- One row per (series, metric, period start). series_id is a site id (station, dust-fall site, water
-- section) or an area id (street/town-level values such as monthly dust fall or a city-wide rank).
-- ts is the start of the value's period in UTC (the hour for hourly data; Shanghai midnight of the first
-- day for monthly data). data_version 0 = provisional (real-time), 1 = audited.
DO $$
DECLARE
  cols text := $cols$
    ts           timestamptz      NOT NULL,
    series_id    text             NOT NULL,
    metric_id    text             NOT NULL,
    value        double precision NOT NULL,
    flags        text[]           NOT NULL DEFAULT '{}',
    data_version smallint         NOT NULL DEFAULT 0 CHECK (data_version IN (0, 1)),
    source_id    text             NOT NULL,
    batch_id     bigint,
    ingested_at  timestamptz      NOT NULL DEFAULT now(),
    revision     integer          NOT NULL DEFAULT 0,
    PRIMARY KEY (series_id, metric_id, ts)
  $cols$;
BEGIN
  IF (SELECT mode FROM envwatch_storage) = 'timescale' THEN
    EXECUTE format('CREATE TABLE measurement (%s)', cols);
    -- No default time index: chunk exclusion works from the chunks' constraints, and every read names its
    -- series (the primary key's leading column); an extra index would only slow ingestion.
    PERFORM create_hypertable('measurement', 'ts', chunk_time_interval => INTERVAL '7 days',
                              create_default_indexes => false);
    EXECUTE $sql$ALTER TABLE measurement SET (
      timescaledb.compress,
      timescaledb.compress_segmentby = 'series_id, metric_id',
      timescaledb.compress_orderby = 'ts DESC')$sql$;
  ELSE
    EXECUTE format('CREATE TABLE measurement (%s) PARTITION BY RANGE (ts)', cols);
  END IF;
END $$;

-- The primary key (series_id, metric_id, ts) is the only index: every reader names the series (a station, an
-- area, the series of a scope), and each extra index costs every one of the millions of rows ingested a year
-- (the bulk and steady paths' throughput targets). A query across all series of a metric lists the series.

-- Plain mode: create the monthly partitions covering [p_from, p_to]. Idempotent and safe under concurrent
-- callers (two workers ingesting the same new month): a partition created meanwhile is not an error.
CREATE FUNCTION envwatch_ensure_measurement_partitions(p_from timestamptz, p_to timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  m       timestamptz := date_trunc('month', p_from, 'UTC');
  created integer := 0;
  name    text;
BEGIN
  IF (SELECT mode FROM envwatch_storage) <> 'plain' THEN
    RETURN 0;
  END IF;
  WHILE m <= p_to LOOP
    name := format('measurement_y%sm%s', to_char(m AT TIME ZONE 'UTC', 'YYYY'), to_char(m AT TIME ZONE 'UTC', 'MM'));
    IF to_regclass(name) IS NULL THEN
      BEGIN
        EXECUTE format('CREATE TABLE %I PARTITION OF measurement FOR VALUES FROM (%L) TO (%L)',
                       name, m, m + INTERVAL '1 month');
        created := created + 1;
      EXCEPTION WHEN duplicate_table OR invalid_object_definition THEN
        -- Another session created it between our check and our CREATE.
        NULL;
      END;
    END IF;
    m := m + INTERVAL '1 month';
  END LOOP;
  RETURN created;
END $$;

-- Every value a row had before a revision replaced it (provisional → audited, a correction, a late
-- re-delivery). Nothing is ever lost: the measurement row holds the current value, this table the history.
CREATE TABLE measurement_revision (
  id            bigserial PRIMARY KEY,
  ts            timestamptz NOT NULL,
  series_id     text NOT NULL,
  metric_id     text NOT NULL,
  value         double precision NOT NULL,
  flags         text[] NOT NULL,
  data_version  smallint NOT NULL,
  source_id     text NOT NULL,
  batch_id      bigint,
  ingested_at   timestamptz NOT NULL,
  revision      integer NOT NULL,
  superseded_at timestamptz NOT NULL DEFAULT now(),
  superseded_by_batch bigint
);
CREATE INDEX measurement_revision_key_idx ON measurement_revision (series_id, metric_id, ts);

CREATE FUNCTION envwatch_keep_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO measurement_revision
    (ts, series_id, metric_id, value, flags, data_version, source_id, batch_id, ingested_at, revision,
     superseded_by_batch)
  VALUES
    (OLD.ts, OLD.series_id, OLD.metric_id, OLD.value, OLD.flags, OLD.data_version, OLD.source_id,
     OLD.batch_id, OLD.ingested_at, OLD.revision, NEW.batch_id);
  RETURN NULL;
END $$;

CREATE TRIGGER measurement_keep_revision
  AFTER UPDATE ON measurement
  FOR EACH ROW
  WHEN (OLD.value IS DISTINCT FROM NEW.value
        OR OLD.data_version IS DISTINCT FROM NEW.data_version
        OR OLD.flags IS DISTINCT FROM NEW.flags)
  EXECUTE FUNCTION envwatch_keep_revision();

-- Sand-dust exclusion periods (扣除沙尘影响): supplied from outside (the national/municipal monitoring centre
-- determines them), auditable, and applied when a statistic is computed — never by deleting data.
-- area_id NULL = the whole district (or the whole city when district_id is NULL too).
CREATE TABLE sand_dust_period (
  id          bigserial PRIMARY KEY,
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  district_id text REFERENCES district(id),
  area_id     text REFERENCES area(id),
  source      text NOT NULL,
  note        text,
  batch_id    bigint,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at),
  CHECK (area_id IS NULL OR district_id IS NOT NULL),
  -- NULLS NOT DISTINCT: a city-wide period (both NULL) delivered twice is the same period, not two.
  UNIQUE NULLS NOT DISTINCT (starts_at, ends_at, district_id, area_id)
);
CREATE INDEX sand_dust_period_time_idx ON sand_dust_period (starts_at, ends_at);

-- Heavy-pollution warnings (重污染天气预警) as issued by the heavy-pollution command office following the city.
CREATE TABLE heavy_pollution_warning (
  id          bigserial PRIMARY KEY,
  external_id text NOT NULL UNIQUE,         -- the issuer's reference; re-delivery updates the same warning
  level       text NOT NULL CHECK (level IN ('blue', 'yellow', 'orange', 'red')),
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz,                  -- NULL until lifted
  lifted_at   timestamptz,
  district_id text REFERENCES district(id),
  area_ids    text[] NOT NULL DEFAULT '{}', -- empty = the whole district
  issuer      text NOT NULL,
  measures    text,
  batch_id    bigint,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
