/**
 * The bulk path's staging table (a temporary table dropped at commit) and its move into `measurement`. Ingest
 * validates each record while it streams the delivery and COPYs it here — valid values, or the refusal with the
 * raw record — through copyIntoStage; the store then moves the valid rows into `measurement` with one
 * set-based statement that also refuses in-batch duplicates and queues the rollups.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { isPgError, PG } from '../db/pg-errors.js';
import type { Queryable } from '../db/queryable.js';
import { copyText } from './copy-format.js';
import type { MeasurementRow } from './measurement-queries.js';
import { flagArraySql, insertMeasurementsSql, upsertMeasurementsSql } from './measurement-sql.js';
import { queueRollupKeyRuns, queueRollupKeysSql } from './rollup-queue-writes.js';

/** The refusals the move itself makes (ingest/refusal-reasons.ts holds their wording). */
export type StageRefusalCode = 'DUPLICATE_IN_BATCH' | 'SUPERSEDED_BY_AUDITED';

const STAGE_COPY_COLUMNS =
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

/** The stage's COPY line of a valid record; `day` is the Shanghai day of its time (the rollup key). */
export function stageValidLine(
  seq: number,
  rowNumber: number | null,
  r: MeasurementRow,
  day: string,
): string {
  const flags = r.flags && r.flags.length > 0 ? copyText(r.flags.join(',')) : '';
  return `${seq}\t${rowNumber === null ? '\\N' : rowNumber}\t${r.ts.toISOString()}\t${day}\t${copyText(r.seriesId)}\t${r.metricId}\t${r.value}\t${flags}\t${r.dataVersion}\t\\N\t\\N\t\\N\n`;
}

/** The stage's COPY line of a record refused by validation, with its raw content (stored as jsonb). */
export function stageRefusedLine(
  seq: number,
  rowNumber: number | null,
  refusal: { code: string; detail: string },
  raw: unknown,
): string {
  return `${seq}\t${rowNumber === null ? '\\N' : rowNumber}\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t${refusal.code}\t${copyText(refusal.detail)}\t${copyText(JSON.stringify(raw))}\n`;
}

/** Streams COPY lines (stageValidLine / stageRefusedLine, joined in chunks) into the stage. */
export async function copyIntoStage(client: pg.PoolClient, lines: Readable): Promise<void> {
  await pipeline(lines, client.query(copyFrom(`COPY ingest_stage (${STAGE_COPY_COLUMNS}) FROM STDIN`)));
}

/**
 * Moves the stage's valid rows into `measurement`. New data (the usual bulk load: history) goes in with a
 * plain INSERT, about twice as fast as the general upsert; a delivery with already-stored keys takes the
 * general path. Duplicates inside the delivery (or a concurrent writer storing one of our keys meanwhile) make
 * the plain INSERT fail: it is rolled back to its savepoint and the general path, which refuses duplicates one
 * by one, runs instead. `rollupKeys`: the keys gathered while streaming (see queueRollupKeyRuns), or null.
 */
export async function moveStageIntoMeasurement(
  client: pg.PoolClient,
  meta: { sourceId: string; batchId: number },
  from: Date,
  to: Date,
  rollupKeys: string | null,
): Promise<{ inserted: number; updated: number; duplicates: number }> {
  await analyzeStage(client);
  // Duplicates are rare: rather than a check that costs every load, they make the plain INSERT fail.
  if (!(await stageOverlapsMeasurement(client, from, to))) {
    await client.query('SAVEPOINT fresh_insert');
    try {
      const inserted = await insertFreshStage(client, meta, rollupKeys);
      await client.query('RELEASE SAVEPOINT fresh_insert');
      return { inserted, updated: 0, duplicates: 0 };
    } catch (err) {
      if (!isPgError(err, PG.UNIQUE_VIOLATION)) throw err;
      await client.query('ROLLBACK TO SAVEPOINT fresh_insert');
    }
  }
  return upsertStage(client, meta);
}

/** Temporary tables are never analysed automatically; the plans below need the stage's real size. */
async function analyzeStage(db: Queryable): Promise<void> {
  await db.query('ANALYZE ingest_stage');
}

/** Whether any valid record's key is already stored (a re-delivery, a revision). */
async function stageOverlapsMeasurement(db: Queryable, from: Date, to: Date): Promise<boolean> {
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
async function insertFreshStage(
  db: Queryable,
  meta: { sourceId: string; batchId: number },
  keys: string | null = null,
): Promise<number> {
  const { rowCount } = await db.query(
    insertMeasurementsSql(
      `SELECT ts, series_id, metric_id, value, ${flagArraySql('flags')}, data_version, $1, $2
         FROM ingest_stage WHERE reason_code IS NULL`,
    ),
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
async function upsertStage(
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
       ${upsertMeasurementsSql(`SELECT ts, series_id, metric_id, value, ${flagArraySql('flags')}, data_version, $1, $2 FROM src WHERE rn = 1`)}
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
        AND (m.value, m.flags) IS DISTINCT FROM (s.value, ${flagArraySql('s.flags')})
     ON CONFLICT (seq) DO NOTHING`,
  );
  return rowCount ?? 0;
}

export async function listStageRefusals(
  db: Queryable,
  afterSeq: number,
  limit: number,
): Promise<{ seq: number; reason_code: StageRefusalCode; key: string }[]> {
  const { rows } = await db.query<{ seq: number; reason_code: StageRefusalCode; key: string }>(
    `SELECT seq, reason_code, key FROM ingest_stage_refusal WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [afterSeq, limit],
  );
  return rows;
}
