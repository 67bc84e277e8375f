-- Plain mode: envwatch_refresh_series_rollups (0003) computed the end of the last touched month as the
-- Shanghai month start plus one month in the SESSION time zone, which the pool pins to UTC. A month start
-- 00:00 Shanghai is 16:00 UTC of the previous month's last day, so "+ 1 month" in UTC landed on the 29th/30th
-- of March, the 31st of May, July, October and December, and the recompute left out the month's last 1–3
-- days (issue #19). Month arithmetic now happens on Shanghai wall-clock time.
--
-- 0003 is released, so the function is replaced here, and the monthly rows a plain database already holds are
-- recomputed from measurement_daily (which was always right). Under TimescaleDB the function is never called
-- and measurement_monthly is a continuous aggregate bucketed in Asia/Shanghai: nothing to repair.

CREATE OR REPLACE FUNCTION envwatch_refresh_series_rollups(p_series text[], p_metrics text[], p_from_day date, p_to_day date)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t_from timestamptz := p_from_day::timestamp AT TIME ZONE 'Asia/Shanghai';
  t_to   timestamptz := (p_to_day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai';
  -- The Shanghai months that contain p_from_day … p_to_day, as [first of the first, first after the last).
  m_from timestamptz := date_trunc('month', p_from_day::timestamp) AT TIME ZONE 'Asia/Shanghai';
  m_to   timestamptz := (date_trunc('month', p_to_day::timestamp) + INTERVAL '1 month') AT TIME ZONE 'Asia/Shanghai';
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
  -- Months are recomputed whole from the daily table, so widen to month bounds.
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

-- Repair what the old bounds left short: every plain monthly row again from the daily rows.
DO $$
BEGIN
  IF (SELECT mode FROM envwatch_storage) = 'plain' THEN
    DELETE FROM measurement_monthly;
    INSERT INTO measurement_monthly
    SELECT date_trunc('month', bucket, 'Asia/Shanghai'), series_id, metric_id,
           count(*)::integer,
           sum(CASE WHEN n_values >= 20 THEN 1 ELSE 0 END)::integer,
           sum(n_values)::integer,
           sum(sum_value),
           avg(CASE WHEN n_values >= 20 THEN mean_value END),
           min(min_value), max(max_value), min(min_version)::smallint
      FROM measurement_daily
     GROUP BY 1, 2, 3;
  END IF;
END $$;
