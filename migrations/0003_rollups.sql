-- Derived series.
--
-- Values flagged `invalid` (a feed's own "invalid / maintenance / calibration" codes are mapped to it on ingest)
-- are kept in `measurement` but never enter a mean: GB 3095-2026 §6.4 counts only valid data (表4), and §6.3
-- asks that excluded data keep their raw record.
--
-- Layer 1, per series (station/site/area) and metric: measurement_daily (Shanghai natural days) and
-- measurement_monthly. Under TimescaleDB these are continuous aggregates (hierarchical: monthly on daily),
-- real-time so that unmaterialised recent rows are included; otherwise they are tables of the same shape
-- that the service refreshes for the keys an ingest touched (envwatch_refresh_series_rollups).
--
-- Layer 2, per scope (a street/town or a district) and metric: scope_daily, scope_daily_aqi and
-- scope_monthly, maintained by the service in both modes. They need joins (site -> area) and the validity
-- rules of GB 3095 Table 4, which continuous aggregates cannot express; keeping them in one code path also
-- guarantees both storage modes give the same numbers.

DO $$
BEGIN
  IF (SELECT mode FROM envwatch_storage) = 'timescale' THEN
    EXECUTE $sql$
      CREATE MATERIALIZED VIEW measurement_daily
      WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
      SELECT time_bucket(INTERVAL '1 day', ts, 'Asia/Shanghai') AS bucket,
             series_id,
             metric_id,
             count(*)::integer          AS n_values,
             sum(value)                 AS sum_value,
             avg(value)                 AS mean_value,
             min(value)                 AS min_value,
             max(value)                 AS max_value,
             min(data_version)::smallint AS min_version
      FROM measurement
      WHERE NOT ('invalid' = ANY (flags))
      GROUP BY 1, 2, 3
      WITH NO DATA $sql$;
    EXECUTE $sql$
      CREATE MATERIALIZED VIEW measurement_monthly
      WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
      SELECT time_bucket(INTERVAL '1 month', bucket, 'Asia/Shanghai') AS bucket,
             series_id,
             metric_id,
             count(*)::integer                                       AS n_days,
             sum(CASE WHEN n_values >= 20 THEN 1 ELSE 0 END)::integer AS n_days_20h,
             sum(n_values)::integer                                  AS n_values,
             sum(sum_value)                                          AS sum_value,
             avg(CASE WHEN n_values >= 20 THEN mean_value END)       AS mean_of_20h_days,
             min(min_value)                                          AS min_value,
             max(max_value)                                          AS max_value,
             min(min_version)::smallint                              AS min_version
      FROM measurement_daily
      GROUP BY 1, 2, 3
      WITH NO DATA $sql$;
    -- A safety net behind the explicit refreshes the service runs after each ingest: re-materialise the last
    -- 120 days (audited data revises the previous month early in the next one).
    PERFORM add_continuous_aggregate_policy('measurement_daily',
      start_offset => INTERVAL '120 days', end_offset => NULL, schedule_interval => INTERVAL '1 hour',
      if_not_exists => true);
    PERFORM add_continuous_aggregate_policy('measurement_monthly',
      start_offset => INTERVAL '150 days', end_offset => NULL, schedule_interval => INTERVAL '1 hour',
      if_not_exists => true);
  ELSE
    CREATE TABLE measurement_daily (
      bucket      timestamptz      NOT NULL,
      series_id   text             NOT NULL,
      metric_id   text             NOT NULL,
      n_values    integer          NOT NULL,
      sum_value   double precision NOT NULL,
      mean_value  double precision NOT NULL,
      min_value   double precision NOT NULL,
      max_value   double precision NOT NULL,
      min_version smallint         NOT NULL,
      PRIMARY KEY (series_id, metric_id, bucket)
    );
    CREATE TABLE measurement_monthly (
      bucket           timestamptz      NOT NULL,
      series_id        text             NOT NULL,
      metric_id        text             NOT NULL,
      n_days           integer          NOT NULL,
      n_days_20h       integer          NOT NULL,
      n_values         integer          NOT NULL,
      sum_value        double precision NOT NULL,
      mean_of_20h_days double precision,
      min_value        double precision NOT NULL,
      max_value        double precision NOT NULL,
      min_version      smallint         NOT NULL,
      PRIMARY KEY (series_id, metric_id, bucket)
    );
  END IF;
END $$;

-- Plain mode: recompute the layer-1 rollups of the given series over [p_from_day, p_to_day] (Shanghai days).
-- Rows whose source rows vanished are removed, so the tables always equal what a continuous aggregate
-- would show. Under TimescaleDB the service calls refresh_continuous_aggregate instead.
CREATE FUNCTION envwatch_refresh_series_rollups(p_series text[], p_metrics text[], p_from_day date, p_to_day date)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t_from timestamptz := p_from_day::timestamp AT TIME ZONE 'Asia/Shanghai';
  t_to   timestamptz := (p_to_day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai';
  m_from timestamptz := date_trunc('month', t_from, 'Asia/Shanghai');
  m_to   timestamptz := date_trunc('month', t_to - INTERVAL '1 microsecond', 'Asia/Shanghai') + INTERVAL '1 month';
BEGIN
  IF (SELECT mode FROM envwatch_storage) <> 'plain' THEN
    RAISE EXCEPTION 'envwatch_refresh_series_rollups is for plain storage mode only';
  END IF;
  DELETE FROM measurement_daily d
   WHERE d.series_id = ANY (p_series) AND d.metric_id = ANY (p_metrics)
     AND d.bucket >= t_from AND d.bucket < t_to;
  INSERT INTO measurement_daily
  SELECT date_trunc('day', ts, 'Asia/Shanghai'), series_id, metric_id,
         count(*)::integer, sum(value), avg(value), min(value), max(value), min(data_version)::smallint
    FROM measurement
   WHERE series_id = ANY (p_series) AND metric_id = ANY (p_metrics) AND ts >= t_from AND ts < t_to
     AND NOT ('invalid' = ANY (flags))
   GROUP BY 1, 2, 3;
  -- Months are recomputed whole from the daily table (it covers the whole month only for the days it
  -- has), so widen to month bounds.
  DELETE FROM measurement_monthly mm
   WHERE mm.series_id = ANY (p_series) AND mm.metric_id = ANY (p_metrics)
     AND mm.bucket >= m_from AND mm.bucket < m_to;
  INSERT INTO measurement_monthly
  SELECT date_trunc('month', bucket, 'Asia/Shanghai'), series_id, metric_id,
         count(*)::integer,
         sum(CASE WHEN n_values >= 20 THEN 1 ELSE 0 END)::integer,
         sum(n_values)::integer,
         sum(sum_value),
         avg(CASE WHEN n_values >= 20 THEN mean_value END),
         min(min_value), max(max_value), min(min_version)::smallint
    FROM measurement_daily
   WHERE series_id = ANY (p_series) AND metric_id = ANY (p_metrics) AND bucket >= m_from AND bucket < m_to
   GROUP BY 1, 2, 3;
END $$;

-- Which series make up a scope: a street/town is its sites plus its own area-level series; a district is
-- all its sites, its areas' area-level series (e.g. monthly dust fall reported per street/town) and its own
-- district-level series. A feed should deliver a metric either per station or per area, not both. (District PM2.5 is the mean of its stations' daily
-- means, HJ 663 practice for multi-station means; see docs/decisions.md.)
CREATE VIEW scope_series AS
  SELECT s.area_id AS scope_id, 'area'::text AS scope_kind, s.id AS series_id FROM site s WHERE s.area_id IS NOT NULL
  UNION ALL SELECT a.id, 'area', a.id FROM area a
  UNION ALL SELECT s.district_id, 'district', s.id FROM site s
  UNION ALL SELECT a.district_id, 'district', a.id FROM area a
  UNION ALL SELECT d.id, 'district', d.id FROM district d;

CREATE TABLE scope_daily (
  scope_id       text NOT NULL,
  metric_id      text NOT NULL REFERENCES metric(id),
  day            date NOT NULL,
  value          double precision,          -- mean of the valid series' daily means; NULL when invalid
  n_series       integer NOT NULL,          -- series with any value that day
  n_valid_series integer NOT NULL,          -- series whose daily mean is valid (hourly: >= 20 hours)
  valid          boolean NOT NULL,
  min_version    smallint NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope_id, metric_id, day)
);
CREATE INDEX scope_daily_metric_day_idx ON scope_daily (metric_id, day);

CREATE TABLE scope_daily_aqi (
  scope_id           text NOT NULL,
  day                date NOT NULL,
  aqi                integer NOT NULL,
  level              smallint NOT NULL CHECK (level BETWEEN 1 AND 6),
  primary_pollutants text[] NOT NULL DEFAULT '{}',
  standard           text NOT NULL,           -- HJ633-2012 or HJ633-2026, the version in force that day
  -- IAQI per pollutant ({"pm25": 201, …}) and the rounded daily concentrations they came from, including the
  -- derived O3 daily maximum 8-hour (o3_8h) and, under HJ 633-2012, the daily maximum 1-hour (o3_1h).
  iaqi               jsonb NOT NULL DEFAULT '{}',
  concentrations     jsonb NOT NULL DEFAULT '{}',
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope_id, day)
);
CREATE INDEX scope_daily_aqi_day_idx ON scope_daily_aqi (day);

-- Station -> street/town (and district) hourly means, for charts: the mean of the scope's series in each hour
-- (hourly metrics only; invalid-flagged values left out). A plain view: a caller always filters by scope,
-- metric and time, and those predicates are pushed below the grouping onto measurement's primary key.
CREATE VIEW scope_hourly AS
  SELECT ss.scope_id, m.metric_id, m.ts,
         avg(m.value)              AS value,
         count(*)::integer         AS n_series,
         min(m.data_version)::smallint AS min_version
    FROM scope_series ss
    JOIN measurement m ON m.series_id = ss.series_id
    JOIN metric mt ON mt.id = m.metric_id AND mt.resolution = 'hour'
   WHERE NOT ('invalid' = ANY (m.flags))
   GROUP BY ss.scope_id, m.metric_id, m.ts;

CREATE TABLE scope_monthly (
  scope_id      text NOT NULL,
  metric_id     text NOT NULL REFERENCES metric(id),
  month         date NOT NULL,                -- first day of the month
  value         double precision,             -- NULL when invalid (too few valid days)
  n_days        integer NOT NULL,
  n_valid_days  integer NOT NULL,
  valid         boolean NOT NULL,
  min_version   smallint NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope_id, metric_id, month)
);

-- Keys (series, metric, Shanghai day) written since the rollups were last refreshed. Written in the same
-- transaction as the measurements, so a crash between ingest and rollup loses nothing.
-- A worker claims keys (claim token + time), refreshes, then deletes only the keys still carrying its token:
-- a key written again meanwhile has its claim cleared by the writer and is processed once more.
CREATE TABLE rollup_queue (
  series_id  text NOT NULL,
  metric_id  text NOT NULL,
  day        date NOT NULL,
  queued_at  timestamptz NOT NULL DEFAULT now(),
  claim      text,
  claimed_at timestamptz,
  PRIMARY KEY (series_id, metric_id, day)
);

-- (scope, metric, day) whose derived values changed: the targets engine re-evaluates the periods that
-- contain them (debounced per target and period).
CREATE TABLE evaluation_queue (
  scope_id  text NOT NULL,
  metric_id text NOT NULL,
  day       date NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope_id, metric_id, day)
);
