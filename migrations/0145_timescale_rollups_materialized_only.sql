-- TimescaleDB only: measurement_daily and measurement_monthly show what was materialised, as plain mode's
-- tables show what the service refreshed (issue #20, first run of the equivalence test against a real
-- TimescaleDB 2.27.1, session 15).
--
-- 0003 made both continuous aggregates real-time (materialized_only = false) so that rows not yet
-- materialised would show. Two things came of it:
-- 1. The modes disagreed between a write and its refresh: a new day's raw rows showed in measurement_daily
--    under TimescaleDB at once, and in plain mode only after refresh-rollups ran (and layer 2, computed by
--    that job in both modes, lagged layer 1 under TimescaleDB only).
-- 2. Every read of measurement_daily — the monthly aggregate's refresh (it is built on the daily one) and
--    each layer-2 scope-day lookup — added the real-time part: raw chunks scanned row by row with the
--    time-zone time_bucket of every row, because the watermark is known only at run time. bench:evaluate at
--    city scale (2,000 stations, one new day, only 3 days of raw data, load 6–9): the monthly refresh took
--    1.3–3.6 s of the run's 3.7–4.5 s rollups and grows with every raw row in the month's chunks; materialised
--    only, the same refresh took 84 ms and the rollups 0.8–1.1 s (plain mode: 0.26–0.30 s in the same runs).
-- The service refreshes the daily aggregate for every claimed key before it reads it, so nothing it needs is
-- left out; the hourly safety-net policies of 0003 stay.
DO $$
BEGIN
  IF (SELECT mode FROM envwatch_storage) = 'timescale' THEN
    ALTER MATERIALIZED VIEW measurement_daily SET (timescaledb.materialized_only = true);
    ALTER MATERIALIZED VIEW measurement_monthly SET (timescaledb.materialized_only = true);
  END IF;
END $$;
