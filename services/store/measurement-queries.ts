/**
 * Writing measurements: one set-based upsert per batch. The upsert key is (series, metric, period start);
 * a repeated value changes nothing, a new value or an audited version replaces the row (the trigger of
 * migration 0002 keeps the old one in measurement_revision), and a provisional value never overwrites an
 * audited one. Every changed key is queued for the rollups in the same statement.
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

export async function upsertMeasurements(
  db: Queryable,
  rows: readonly MeasurementRow[],
  meta: { sourceId: string; batchId: number | null },
): Promise<UpsertCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  let min = rows[0]!.ts;
  let max = rows[0]!.ts;
  for (const r of rows) {
    if (r.ts < min) min = r.ts;
    if (r.ts > max) max = r.ts;
  }
  await ensurePartitionsFor(db, min, max);
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
    [
      rows.map((r) => r.ts),
      rows.map((r) => r.seriesId),
      rows.map((r) => r.metricId),
      rows.map((r) => r.value),
      rows.map((r) => (r.flags ?? []).join(',')),
      rows.map((r) => r.dataVersion),
      meta.sourceId,
      meta.batchId,
    ],
  );
  const inserted = result[0]?.inserted ?? 0;
  const updated = result[0]?.updated ?? 0;
  return { inserted, updated, unchanged: rows.length - inserted - updated };
}
