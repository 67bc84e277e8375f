-- The monthly ranking report reads, per metric, every unit's scope_monthly rows over the months since
-- 1 January of this year and of last year (services/reports/queries/rollup-queries.ts,
-- readCumulativeWindow). Without an index led by (metric_id, month) that read scans the whole table,
-- whose size grows with every metric and every year kept; this one serves it as an index-only scan of
-- just the window (at city scale, 330 units × 5 metrics: about half the time of the scan on two years of
-- rollups, and bounded as history accumulates).
CREATE INDEX scope_monthly_metric_month_idx ON scope_monthly (metric_id, month)
  INCLUDE (scope_id, value, n_valid_days, min_version);

-- Months too thin for a monthly value (value NULL, some valid days) are rare; the report adds their valid
-- days from scope_daily. A partial index finds them without reading the window a second time.
CREATE INDEX scope_monthly_thin_idx ON scope_monthly (metric_id, month)
  WHERE value IS NULL AND n_valid_days > 0;
