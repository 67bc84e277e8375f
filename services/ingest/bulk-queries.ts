/** The bulk path's statements over its staging table (a temporary table dropped at commit). */
import type { Queryable } from '../db/queryable.js';
import { queueRollupKeyRuns, queueRollupKeysSql } from '../store/rollup-queue-writes.js';
import type { RefusalCode } from './refusal-reasons.js';

export const STAGE_COPY_COLUMNS =
  'seq, row_number, ts, day, series_id, metric_id, value, flags, data_version, reason_code, reason_detail, raw';

/** One row per record: validated values, or (reason_code set) the refusal with the raw record. */
export async function createStage(db: Queryable): Promise<void> {
  await db.query(
    `CREATE TEMP TABLE ingest_stage (
       seq           integer NOT NULL,
       row_number    integer,
       ts            timestamptz,
       day           date,        -- the Shanghai day of ts (computed while streaming: the rollup key)
       series_id     text,
       metric_id     text,
       value         double precision,
       flags         text,
       data_version  smallint,
       reason_code   text,
       reason_detail text,
       raw           jsonb
     ) ON COMMIT DROP`,
  );
  await db.query(
    `CREATE TEMP TABLE ingest_stage_refusal (seq integer PRIMARY KEY, reason_code text NOT NULL, key text NOT NULL)
       ON COMMIT DROP`,
  );
}

/** Temporary tables are never analysed automatically; the plans below need the stage's real size. */
export async function analyzeStage(db: Queryable): Promise<void> {
  await db.query('ANALYZE ingest_stage');
}

/** Whether any valid record's key is already stored (a re-delivery, a revision). */
export async function stageOverlapsMeasurement(db: Queryable, from: Date, to: Date): Promise<boolean> {
  const { rows } = await db.query<{ overlap: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM ingest_stage s
         JOIN measurement m ON m.series_id = s.series_id AND m.metric_id = s.metric_id AND m.ts = s.ts
        WHERE s.reason_code IS NULL AND m.ts >= $1 AND m.ts <= $2) AS overlap`,
    [from, to],
  );
  return rows[0]!.overlap;
}

/**
 * New data only (no duplicates, nothing stored yet — checked just before): a plain INSERT in the file's order.
 * Every row is new, so every key it covers is queued for the rollups: `keys` lists them as runs of days when
 * the stream collected them (see queueRollupKeyRuns), otherwise they are read back from the stage.
 */
export async function insertFreshStage(
  db: Queryable,
  meta: { sourceId: string; batchId: number },
  keys: string | null = null,
): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO measurement (ts, series_id, metric_id, value, flags, data_version, source_id, batch_id)
     SELECT ts, series_id, metric_id, value, coalesce(string_to_array(nullif(flags, ''), ','), '{}'), data_version, $1, $2
       FROM ingest_stage WHERE reason_code IS NULL`,
    [meta.sourceId, meta.batchId],
  );
  if (keys !== null) await queueRollupKeyRuns(db, keys);
  else
    await db.query(
      queueRollupKeysSql(
        'SELECT DISTINCT series_id, metric_id, day FROM ingest_stage WHERE reason_code IS NULL',
      ),
    );
  return rowCount ?? 0;
}

/**
 * The general case. One statement: the first record of each key goes into measurement (upsert, revisions kept by the trigger,
 * keys queued for the rollups); later records of the same key are refused as duplicates. The window sorts
 * the stage by key, which is also the primary key's order, so the index is filled sequentially.
 */
export async function moveStageIntoMeasurement(
  db: Queryable,
  meta: { sourceId: string; batchId: number },
): Promise<{ inserted: number; updated: number; duplicates: number }> {
  const { rows } = await db.query<{ inserted: number; updated: number; duplicates: number }>(
    `WITH src AS (
       SELECT seq, ts, series_id, metric_id, value, flags, data_version,
              row_number() OVER (PARTITION BY series_id, metric_id, ts ORDER BY seq) AS rn
         FROM ingest_stage WHERE reason_code IS NULL
     ),
     dupes AS (
       INSERT INTO ingest_stage_refusal (seq, reason_code, key)
       SELECT seq, 'DUPLICATE_IN_BATCH', series_id || '|' || metric_id || '|' || ts FROM src WHERE rn > 1
       RETURNING 1
     ),
     upserted AS (
       INSERT INTO measurement AS m (ts, series_id, metric_id, value, flags, data_version, source_id, batch_id)
       SELECT ts, series_id, metric_id, value, coalesce(string_to_array(nullif(flags, ''), ','), '{}'),
              data_version, $1, $2
         FROM src WHERE rn = 1
       ON CONFLICT (series_id, metric_id, ts) DO UPDATE
          SET value = EXCLUDED.value, flags = EXCLUDED.flags, data_version = EXCLUDED.data_version,
              source_id = EXCLUDED.source_id, batch_id = EXCLUDED.batch_id, ingested_at = now(),
              revision = m.revision + 1
        WHERE EXCLUDED.data_version >= m.data_version
          AND (m.value, m.flags, m.data_version) IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.flags, EXCLUDED.data_version)
       RETURNING m.ts, m.series_id, m.metric_id, (m.revision = 0) AS inserted
     ),
     queued AS (
       ${queueRollupKeysSql("SELECT DISTINCT series_id, metric_id, (ts AT TIME ZONE 'Asia/Shanghai')::date FROM upserted")}
     )
     SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated,
            (SELECT count(*) FROM dupes)::int AS duplicates
       FROM upserted`,
    [meta.sourceId, meta.batchId],
  );
  return rows[0]!;
}

/** Provisional records that an audited value kept out (see findSupersededByAudited); returns how many. */
export async function refuseSupersededInStage(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO ingest_stage_refusal (seq, reason_code, key)
     SELECT s.seq, 'SUPERSEDED_BY_AUDITED', s.series_id || '|' || s.metric_id || '|' || s.ts
       FROM ingest_stage s
       JOIN measurement m ON m.series_id = s.series_id AND m.metric_id = s.metric_id AND m.ts = s.ts
      WHERE s.reason_code IS NULL AND m.data_version > s.data_version
        AND (m.value, m.flags) IS DISTINCT FROM (s.value, coalesce(string_to_array(nullif(s.flags, ''), ','), '{}'))
     ON CONFLICT (seq) DO NOTHING`,
  );
  return rowCount ?? 0;
}

export async function insertStageValidationRefusals(
  db: Queryable,
  batchId: number,
  sourceId: string,
): Promise<void> {
  await db.query(
    `INSERT INTO refused_row (batch_id, source_id, record_kind, row_number, raw, reason_code, reason_detail)
     SELECT $1, $2, 'measurement', row_number, raw, reason_code, reason_detail
       FROM ingest_stage WHERE reason_code IS NOT NULL ORDER BY seq`,
    [batchId, sourceId],
  );
}

export async function listStageRefusals(
  db: Queryable,
  afterSeq: number,
  limit: number,
): Promise<{ seq: number; reason_code: RefusalCode; key: string }[]> {
  const { rows } = await db.query<{ seq: number; reason_code: RefusalCode; key: string }>(
    `SELECT seq, reason_code, key FROM ingest_stage_refusal WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [afterSeq, limit],
  );
  return rows;
}
