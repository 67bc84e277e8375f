/**
 * Writing measurements: one set-based upsert per chunk. The upsert key is (series, metric, period start);
 * a repeated value changes nothing, a new value or an audited version replaces the row (the trigger of
 * migration 0002 keeps the old one in measurement_revision, with its version and time), and a provisional
 * value never overwrites an audited one. Every changed key is queued for the rollups in the same statement,
 * which is how a revision or an hour arriving days late marks its periods for re-evaluation.
 */
import type { Queryable } from '../db/queryable.js';

export interface MeasurementRow {
  ts: Date;
  seriesId: string;
  metricId: string;
  value: number;
  flags?: readonly string[];
  dataVersion: 0 | 1;
}

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * Plain mode needs a partition per month before rows can land in it; TimescaleDB creates chunks itself.
 * Not cached in the process: a partition created inside a transaction that rolled back is gone again, and
 * the check is one cheap function call per chunk. Callers should run it outside their data transaction
 * (creating a partition locks the parent table) — inside one it is still correct.
 */
export async function ensurePartitionsFor(db: Queryable, from: Date, to: Date): Promise<void> {
  await db.query('SELECT envwatch_ensure_measurement_partitions($1, $2)', [from, to]);
}

export function timeRangeOf(rows: readonly { ts: Date }[]): { min: Date; max: Date } | null {
  if (rows.length === 0) return null;
  let min = rows[0]!.ts;
  let max = min;
  for (const r of rows) {
    if (r.ts < min) min = r.ts;
    if (r.ts > max) max = r.ts;
  }
  return { min, max };
}

function columns(rows: readonly MeasurementRow[]): unknown[] {
  const n = rows.length;
  const ts = new Array<string>(n);
  const series = new Array<string>(n);
  const metric = new Array<string>(n);
  const value = new Array<number>(n);
  const flags = new Array<string>(n);
  const version = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    ts[i] = r.ts.toISOString();
    series[i] = r.seriesId;
    metric[i] = r.metricId;
    value[i] = r.value;
    flags[i] = r.flags && r.flags.length > 0 ? r.flags.join(',') : '';
    version[i] = r.dataVersion;
  }
  return [ts, series, metric, value, flags, version];
}

/** Rows must not repeat a key (the caller refuses duplicates first): one statement cannot update a row twice. */
export async function upsertMeasurements(
  db: Queryable,
  rows: readonly MeasurementRow[],
  meta: { sourceId: string; batchId: number | null },
): Promise<UpsertCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const { rows: result } = await db.query<{ inserted: number; updated: number }>(
    `WITH input AS (
       SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::smallint[])
         AS t(ts, series_id, metric_id, value, flags, data_version)
     ),
     upserted AS (
       INSERT INTO measurement AS m (ts, series_id, metric_id, value, flags, data_version, source_id, batch_id)
       SELECT ts, series_id, metric_id, value, coalesce(string_to_array(nullif(flags, ''), ','), '{}'),
              data_version, $7, $8
         FROM input
       ON CONFLICT (series_id, metric_id, ts) DO UPDATE
          SET value = EXCLUDED.value, flags = EXCLUDED.flags, data_version = EXCLUDED.data_version,
              source_id = EXCLUDED.source_id, batch_id = EXCLUDED.batch_id, ingested_at = now(),
              revision = m.revision + 1
        WHERE EXCLUDED.data_version >= m.data_version
          AND (m.value, m.flags, m.data_version) IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.flags, EXCLUDED.data_version)
       -- xmax cannot be read through a partitioned table; revision is 0 only on a freshly inserted row.
       RETURNING m.ts, m.series_id, m.metric_id, (m.revision = 0) AS inserted
     ),
     queued AS (
       INSERT INTO rollup_queue (series_id, metric_id, day)
       SELECT DISTINCT series_id, metric_id, (ts AT TIME ZONE 'Asia/Shanghai')::date FROM upserted
       ON CONFLICT (series_id, metric_id, day) DO UPDATE SET queued_at = now(), claim = NULL, claimed_at = NULL
     )
     SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated
       FROM upserted`,
    [...columns(rows), meta.sourceId, meta.batchId],
  );
  const inserted = result[0]?.inserted ?? 0;
  const updated = result[0]?.updated ?? 0;
  return { inserted, updated, unchanged: rows.length - inserted - updated };
}

/**
 * Indexes of rows that a stored audited value kept out: provisional, and different from the audited value.
 * Run after the upsert when not every row changed something — a provisional re-delivery of an audited hour
 * is not data loss, but it is not silent either: the caller refuses it with SUPERSEDED_BY_AUDITED.
 */
export async function findSupersededByAudited(
  db: Queryable,
  rows: readonly MeasurementRow[],
): Promise<number[]> {
  const provisional: number[] = [];
  rows.forEach((r, i) => {
    if (r.dataVersion === 0) provisional.push(i);
  });
  if (provisional.length === 0) return [];
  const picked = provisional.map((i) => rows[i]!);
  const { rows: found } = await db.query<{ ord: number }>(
    `SELECT i.ord::int AS ord
       FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::smallint[])
              WITH ORDINALITY AS i(ts, series_id, metric_id, value, flags, data_version, ord)
       JOIN measurement m ON m.series_id = i.series_id AND m.metric_id = i.metric_id AND m.ts = i.ts
      WHERE m.data_version > i.data_version
        AND (m.value, m.flags) IS DISTINCT FROM (i.value, coalesce(string_to_array(nullif(i.flags, ''), ','), '{}'))`,
    columns(picked),
  );
  return found.map((f) => provisional[f.ord - 1]!);
}
