/**
 * The statements that write `measurement`, each written once. The store's writers (measurement-queries.ts,
 * measurement-stage.ts, measurement-copy.ts) wrap them around their own input (packed columns, the staging
 * table, a COPY stream); a rule about how a stored value may change lives here only, so the paths cannot drift.
 */

export const MEASUREMENT_COLUMNS =
  'ts, series_id, metric_id, value, flags, data_version, source_id, batch_id';

/** The flags as they travel (comma-separated text, '' for none) turned into the stored text[]. */
export function flagArraySql(column: string): string {
  return `coalesce(string_to_array(nullif(${column}, ''), ','), '{}')`;
}

/** A plain INSERT of the rows `select` yields (in MEASUREMENT_COLUMNS order), for keys known to be new. */
export function insertMeasurementsSql(select: string): string {
  return `INSERT INTO measurement (${MEASUREMENT_COLUMNS})
       ${select}`;
}

/**
 * The upsert of the rows `select` yields (in MEASUREMENT_COLUMNS order; no key twice). A repeated value
 * changes nothing; a new value or an audited version replaces the row (the trigger of migration 0002 keeps
 * the old one in measurement_revision); a provisional value never overwrites an audited one. Returns the
 * written rows' keys and whether each was inserted.
 */
export function upsertMeasurementsSql(select: string): string {
  return `INSERT INTO measurement AS m (${MEASUREMENT_COLUMNS})
       ${select}
       ON CONFLICT (series_id, metric_id, ts) DO UPDATE
          SET value = EXCLUDED.value, flags = EXCLUDED.flags, data_version = EXCLUDED.data_version,
              source_id = EXCLUDED.source_id, batch_id = EXCLUDED.batch_id, ingested_at = now(),
              revision = m.revision + 1
        WHERE EXCLUDED.data_version >= m.data_version
          AND (m.value, m.flags, m.data_version) IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.flags, EXCLUDED.data_version)
       -- xmax cannot be read through a partitioned table; revision is 0 only on a freshly inserted row.
       RETURNING m.ts, m.series_id, m.metric_id, (m.revision = 0) AS inserted`;
}
