-- City-scale rollups (issue #20 item 6): refreshing one new day for 2,000 stations took 865 ms, most of it in
-- work the touched keys do not need.
--
-- 1. scope_series (0003) finds a district's series with `site.district_id = $1` and `area.district_id = $1`,
--    which had no index: every touched street/town read all of `site` once per lookup (the ozone reader of
--    the daily AQI looks up each touched scope: 331 scopes × 2,078 sites ≈ 0.3 s of a city-scale day).
CREATE INDEX site_district_idx ON site (district_id);
CREATE INDEX area_district_idx ON area (district_id);

-- 2. Plain mode: envwatch_refresh_series_rollups (0003, 0060) recomputes the cross product of the series,
--    metrics and days it is given, grouping every raw row by a per-row time-zone truncation after a sort,
--    and deletes then re-inserts each row. This one takes the claimed (series, metric, day) keys as they are
--    (three arrays of equal length) and, for each key, aggregates that key's own rows — one range of
--    measurement's primary key, read in order, no sort — then the months of the keys, each from its own
--    daily rows. Rows are upserted (an unchanged key costs no index entry) and a key left without rows is
--    deleted, so the tables still equal what a continuous aggregate would show. The old function stays for
--    databases whose code has not been upgraded yet; the service no longer calls it.
CREATE FUNCTION envwatch_refresh_series_rollup_keys(p_series text[], p_metrics text[], p_days date[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT mode FROM envwatch_storage) <> 'plain' THEN
    RAISE EXCEPTION 'envwatch_refresh_series_rollup_keys is for plain storage mode only';
  END IF;
  IF cardinality(p_series) <> cardinality(p_metrics) OR cardinality(p_series) <> cardinality(p_days) THEN
    RAISE EXCEPTION 'envwatch_refresh_series_rollup_keys: % series, % metrics and % days; expected one of each per key',
      cardinality(p_series), cardinality(p_metrics), cardinality(p_days);
  END IF;

  WITH k AS (
    SELECT DISTINCT s AS series_id, m AS metric_id,
           d::timestamp AT TIME ZONE 'Asia/Shanghai' AS t_from,
           (d + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AS t_to
      FROM unnest(p_series, p_metrics, p_days) AS u(s, m, d)
  ),
  fresh AS (
    SELECT k.t_from AS bucket, k.series_id, k.metric_id, a.*
      FROM k
      CROSS JOIN LATERAL (
        SELECT count(*)::integer AS n_values, sum(value) AS sum_value, avg(value) AS mean_value,
               min(value) AS min_value, max(value) AS max_value, min(data_version)::smallint AS min_version
          FROM measurement x
         WHERE x.series_id = k.series_id AND x.metric_id = k.metric_id
           AND x.ts >= k.t_from AND x.ts < k.t_to
           AND NOT ('invalid' = ANY (x.flags))) a
  ),
  emptied AS (
    DELETE FROM measurement_daily d USING fresh f
     WHERE f.n_values = 0 AND d.series_id = f.series_id AND d.metric_id = f.metric_id AND d.bucket = f.bucket
  )
  INSERT INTO measurement_daily (bucket, series_id, metric_id, n_values, sum_value, mean_value, min_value,
                                 max_value, min_version)
  SELECT bucket, series_id, metric_id, n_values, sum_value, mean_value, min_value, max_value, min_version
    FROM fresh WHERE n_values > 0
  ON CONFLICT (series_id, metric_id, bucket) DO UPDATE
     SET n_values = EXCLUDED.n_values, sum_value = EXCLUDED.sum_value, mean_value = EXCLUDED.mean_value,
         min_value = EXCLUDED.min_value, max_value = EXCLUDED.max_value, min_version = EXCLUDED.min_version;

  -- A month is the aggregate of its daily rows (at most 31 per key), read after the days above are written.
  WITH k AS (
    SELECT DISTINCT s AS series_id, m AS metric_id,
           date_trunc('month', d::timestamp) AT TIME ZONE 'Asia/Shanghai' AS m_from,
           (date_trunc('month', d::timestamp) + INTERVAL '1 month') AT TIME ZONE 'Asia/Shanghai' AS m_to
      FROM unnest(p_series, p_metrics, p_days) AS u(s, m, d)
  ),
  fresh AS (
    SELECT k.m_from AS bucket, k.series_id, k.metric_id, a.*
      FROM k
      CROSS JOIN LATERAL (
        SELECT count(*)::integer AS n_days,
               sum(CASE WHEN n_values >= 20 THEN 1 ELSE 0 END)::integer AS n_days_20h,
               sum(n_values)::integer AS n_values,
               sum(sum_value) AS sum_value,
               avg(CASE WHEN n_values >= 20 THEN mean_value END) AS mean_of_20h_days,
               min(min_value) AS min_value, max(max_value) AS max_value, min(min_version)::smallint AS min_version
          FROM measurement_daily x
         WHERE x.series_id = k.series_id AND x.metric_id = k.metric_id
           AND x.bucket >= k.m_from AND x.bucket < k.m_to) a
  ),
  emptied AS (
    DELETE FROM measurement_monthly mm USING fresh f
     WHERE f.n_days = 0 AND mm.series_id = f.series_id AND mm.metric_id = f.metric_id AND mm.bucket = f.bucket
  )
  INSERT INTO measurement_monthly (bucket, series_id, metric_id, n_days, n_days_20h, n_values, sum_value,
                                   mean_of_20h_days, min_value, max_value, min_version)
  SELECT bucket, series_id, metric_id, n_days, n_days_20h, n_values, sum_value, mean_of_20h_days, min_value,
         max_value, min_version
    FROM fresh WHERE n_days > 0
  ON CONFLICT (series_id, metric_id, bucket) DO UPDATE
     SET n_days = EXCLUDED.n_days, n_days_20h = EXCLUDED.n_days_20h, n_values = EXCLUDED.n_values,
         sum_value = EXCLUDED.sum_value, mean_of_20h_days = EXCLUDED.mean_of_20h_days,
         min_value = EXCLUDED.min_value, max_value = EXCLUDED.max_value, min_version = EXCLUDED.min_version;
END $$;
