/**
 * Statistics for the partitions a rollup refresh has just read or written, taken once, when they have none.
 *
 * Why: measurement and the layer-1 rollups live in partitions created as data arrives (TimescaleDB chunks:
 * 7 days of raw rows, 70 days of materialised daily/monthly rows; plain mode: one raw partition per UTC
 * month). A partition that was never analysed plans with default selectivities. Under TimescaleDB the
 * layer-2 scope-day read (rollups.ts, `series_id = ANY (…) AND metric_id = … AND bucket = …`) then took the
 * aggregate's `(metric_id, bucket)` index and filtered every series of the day, where `(series_id, bucket)`
 * reads only the scope's: 0.33–0.53 s per new day at city scale (2,000 stations) instead of 20 ms. Autovacuum
 * cannot be relied on: it may be off (it is off on the test clusters), and it analyses a new table only after
 * it has seen enough changes, long after the first refresh reads it.
 *
 * Once is enough: the estimates that choose the index come from n_distinct (the values compared are
 * parameters of a lateral join, not constants), which the first day of a chunk already shows. So only
 * relations with `pg_class.reltuples < 0` (PostgreSQL 14+: never analysed nor vacuumed) are analysed, and
 * only those overlapping the refreshed days: a database upgraded with years of unanalysed chunks is not swept
 * in one refresh. The queue tables are never touched: statistics of a queue, taken when it was empty, once
 * made its claim quadratic (rollups.ts, claimKeys).
 */
import type { Queryable } from '../db/queryable.js';
import type { StorageMode } from './storage-mode.js';

/** What a refresh covered: runs of consecutive Shanghai days and of months, first and last inclusive. */
export interface RefreshedRuns {
  days: readonly (readonly [string, string])[];
  months: readonly (readonly [string, string])[];
}

/**
 * Analyses the never-analysed partitions of measurement (raw rows, read by the refresh and the ozone and
 * water-class reads), and of the daily and monthly rollups, that overlap the refreshed ranges. Returns the
 * names analysed (for the log and the test). SKIP_LOCKED: a concurrent refresh analysing the same chunk
 * does the work; this one does not wait for it.
 */
export async function analyzeNewRollupPartitions(
  db: Queryable,
  mode: StorageMode,
  ranges: RefreshedRuns,
): Promise<string[]> {
  if (ranges.days.length === 0) return [];
  const names = mode === 'timescale' ? await newChunks(db, ranges) : await newPlainRelations(db, ranges);
  if (names.length > 0) await db.query(`ANALYZE (SKIP_LOCKED) ${names.join(', ')}`);
  return names;
}

/** Uncompressed chunks never analysed of the raw hypertable and the two aggregates' materialisations. */
async function newChunks(db: Queryable, ranges: RefreshedRuns): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `WITH hypertables AS (
       SELECT 'public' AS schema_name, 'measurement' AS table_name, 'day' AS grain
       UNION ALL
       SELECT materialization_hypertable_schema, materialization_hypertable_name,
              CASE view_name WHEN 'measurement_monthly' THEN 'month' ELSE 'day' END
         FROM timescaledb_information.continuous_aggregates
        WHERE view_schema = 'public' AND view_name IN ('measurement_daily', 'measurement_monthly')
     ),
     ranges AS (
       SELECT 'day' AS grain, f::timestamp AT TIME ZONE 'Asia/Shanghai' AS f,
              (t + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AS t
         FROM unnest($1::date[], $2::date[]) r(f, t)
       UNION ALL
       SELECT 'month', (f || '-01')::date::timestamp AT TIME ZONE 'Asia/Shanghai',
              ((t || '-01')::date + INTERVAL '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai'
         FROM unnest($3::text[], $4::text[]) r(f, t)
     )
     SELECT format('%I.%I', ch.chunk_schema, ch.chunk_name) AS name
       FROM timescaledb_information.chunks ch
       JOIN hypertables h ON h.schema_name = ch.hypertable_schema AND h.table_name = ch.hypertable_name
       JOIN pg_class c ON c.oid = format('%I.%I', ch.chunk_schema, ch.chunk_name)::regclass
      WHERE c.reltuples < 0 AND NOT ch.is_compressed
        AND EXISTS (SELECT 1 FROM ranges r
                     WHERE r.grain = h.grain AND ch.range_start < r.t AND ch.range_end > r.f)
      ORDER BY 1`,
    rangeParams(ranges),
  );
  return rows.map((r) => r.name);
}

/**
 * Plain mode: the monthly raw partitions never analysed that overlap the refreshed days, and the rollup
 * tables themselves if they were never analysed (one table each, created empty by migration 0003).
 */
async function newPlainRelations(db: Queryable, ranges: RefreshedRuns): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `WITH partitions AS (
       SELECT c.oid, b[1]::timestamptz AS lower, b[2]::timestamptz AS upper
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        CROSS JOIN LATERAL regexp_match(pg_get_expr(c.relpartbound, c.oid),
                                        'FROM \\(''([^'']+)''\\) TO \\(''([^'']+)''\\)') b
        WHERE i.inhparent = 'measurement'::regclass AND c.reltuples < 0
     )
     SELECT p.oid::regclass::text AS name FROM partitions p
      WHERE EXISTS (SELECT 1 FROM unnest($1::date[], $2::date[]) r(f, t)
                     WHERE p.lower < (r.t + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
                       AND p.upper > r.f::timestamp AT TIME ZONE 'Asia/Shanghai')
     UNION ALL
     SELECT c.oid::regclass::text FROM pg_class c
      WHERE c.oid IN ('measurement_daily'::regclass, 'measurement_monthly'::regclass) AND c.reltuples < 0
     ORDER BY 1`,
    rangeParams(ranges).slice(0, 2),
  );
  return rows.map((r) => r.name);
}

function rangeParams(ranges: RefreshedRuns): string[][] {
  return [
    ranges.days.map((r) => r[0]),
    ranges.days.map((r) => r[1]),
    ranges.months.map((r) => r[0]),
    ranges.months.map((r) => r[1]),
  ];
}
