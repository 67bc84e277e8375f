/**
 * Writing measurements: one set-based upsert per chunk (its rules: measurement-sql.ts). The upsert key is
 * (series, metric, period start); a repeated value changes nothing, a new value or an audited version replaces
 * the row (the trigger of migration 0002 keeps the old one in measurement_revision, with its version and time),
 * and a provisional value never overwrites an audited one. Every changed key is queued for the rollups in the
 * same statement, which is how a revision or an hour arriving days late marks its periods for re-evaluation.
 */
import { isPgError, PG } from '../db/pg-errors.js';
import { isInTransaction, type Queryable } from '../db/queryable.js';
import { flagArraySql, insertMeasurementsSql, upsertMeasurementsSql } from './measurement-sql.js';
import { queueRollupKeysSql } from './rollup-queue-writes.js';

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
  let min = Infinity;
  let max = -Infinity;
  for (const r of rows) {
    const t = r.ts.getTime();
    if (t < min) min = t;
    if (t > max) max = t;
  }
  return { min: new Date(min), max: new Date(max) };
}

/** Separates the rows' flag lists (flags themselves are split on ',' — see parseFlags — and carry no controls). */
const ROW_SEP = '\u001f';

/**
 * The rows as six column strings, split by string_to_array: PostgreSQL unpacks them about five times faster than
 * JSON or pg's array literals, and V8 builds them with a join — it matters at 5,000 rows a statement. Ids are
 * [a-z0-9_] (no comma); times travel as epoch milliseconds (exact, no date formatting per row).
 */
function packedColumns(rows: readonly MeasurementRow[]): string[] {
  const n = rows.length;
  const ts = new Array<number>(n);
  const series = new Array<string>(n);
  const metric = new Array<string>(n);
  const value = new Array<number>(n);
  const flags = new Array<string>(n);
  const version = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    ts[i] = r.ts.getTime();
    series[i] = r.seriesId;
    metric[i] = r.metricId;
    value[i] = r.value;
    flags[i] = r.flags && r.flags.length > 0 ? r.flags.join(',') : '';
    version[i] = r.dataVersion;
  }
  return [
    ts.join(','),
    series.join(','),
    metric.join(','),
    value.join(','),
    flags.join(ROW_SEP),
    version.join(','),
  ];
}

const INPUT = `SELECT u.ord, 'epoch'::timestamptz + u.t * INTERVAL '1 millisecond' AS ts, u.s AS series_id, u.m AS metric_id,
         u.v AS value, u.f AS flags, u.d AS data_version
    FROM unnest(string_to_array($1, ',')::bigint[], string_to_array($2, ','), string_to_array($3, ','),
                string_to_array($4, ',')::float8[], string_to_array($5, E'\\x1f'), string_to_array($6, ',')::smallint[])
         WITH ORDINALITY AS u(t, s, m, v, f, d, ord)`;

/**
 * The rows sorted by key (series, metric, time) and, for each sorted position, its index in `rows`. A writer
 * locks the keys it writes one by one in its rows' order: two concurrent writers sharing keys in opposite
 * orders would each hold one the other waits for (issue #20: "deadlock detected" between pushes). In one
 * order, the second simply waits for the first.
 */
function inKeyOrder(rows: readonly MeasurementRow[]): { sorted: MeasurementRow[]; order: number[] } {
  const order = rows.map((_, i) => i);
  order.sort((i, j) => {
    const a = rows[i]!;
    const b = rows[j]!;
    if (a.seriesId !== b.seriesId) return a.seriesId < b.seriesId ? -1 : 1;
    if (a.metricId !== b.metricId) return a.metricId < b.metricId ? -1 : 1;
    return a.ts.getTime() - b.ts.getTime();
  });
  return { sorted: order.map((i) => rows[i]!), order };
}

/** Rows must not repeat a key (the caller refuses duplicates first): one statement cannot update a row twice. */
export async function upsertMeasurements(
  db: Queryable,
  rows: readonly MeasurementRow[],
  meta: { sourceId: string; batchId: number | null },
): Promise<UpsertCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const { rows: result } = await db.query<{ inserted: number; updated: number }>(
    `WITH input AS (${INPUT}),
     upserted AS (
       ${upsertMeasurementsSql(`SELECT ts, series_id, metric_id, value, ${flagArraySql('flags')}, data_version, $7, $8 FROM input ORDER BY ord`)}
     ),
     queued AS (
       ${queueRollupKeysSql("SELECT DISTINCT series_id, metric_id, (ts AT TIME ZONE 'Asia/Shanghai')::date FROM upserted")}
     )
     SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated
       FROM upserted`,
    [...packedColumns(inKeyOrder(rows).sorted), meta.sourceId, meta.batchId],
  );
  const inserted = result[0]?.inserted ?? 0;
  const updated = result[0]?.updated ?? 0;
  return { inserted, updated, unchanged: rows.length - inserted - updated };
}

export interface WriteCounts extends UpsertCounts {
  /** Indexes of provisional rows an audited value kept out (see findSupersededByAudited). */
  superseded: number[];
}

/**
 * The effect of upsertMeasurements + findSupersededByAudited in one statement, and about half as costly on
 * new data: each input key's stored row is looked up first — one probe per series and metric finds the ones
 * with nothing stored in the input's time span (new hours: the common case), then a primary-key probe per row
 * of the others, in the partitions of the input's time range (LIMIT 1 keeps the planner from joining whole
 * partitions) — new keys go in with a
 * plain INSERT — ON CONFLICT's speculative insertion costs nearly as much as the insert itself — and only
 * changed keys take the ON CONFLICT path (the revision trigger keeps their old rows). For use outside a
 * transaction: a concurrent writer storing one of the new keys meanwhile makes the INSERT fail with a unique
 * violation, and writeMeasurements then runs the ON CONFLICT form for the whole chunk.
 */
async function writeByLookup(
  db: Queryable,
  rows: readonly MeasurementRow[],
  meta: { sourceId: string; batchId: number | null },
): Promise<WriteCounts> {
  const range = timeRangeOf(rows)!;
  const { rows: result } = await db.query<{ inserted: number; updated: number; superseded: number[] | null }>(
    `WITH input AS (
       SELECT x.*, ${flagArraySql('x.flags')} AS flag_array FROM (${INPUT}) x
     ),
     -- One probe per series and metric (LIMIT 1 keeps it a probe, not a scan of the partitions); materialized,
     -- since inlined, the planner would turn it back into one probe per row.
     occupied AS MATERIALIZED (
       SELECT g.series_id, g.metric_id
         FROM (SELECT series_id, metric_id, min(ts) AS lo, max(ts) AS hi FROM input GROUP BY series_id, metric_id) g
         CROSS JOIN LATERAL (
           SELECT 1 FROM measurement m
            WHERE m.series_id = g.series_id AND m.metric_id = g.metric_id
              AND m.ts >= g.lo AND m.ts <= g.hi AND m.ts >= $9 AND m.ts <= $10
            LIMIT 1) hit
     ),
     existing AS (
       SELECT i.ord, m.value AS old_value, m.flags AS old_flags, m.data_version AS old_version
         FROM (SELECT * FROM input WHERE (series_id, metric_id) IN (SELECT series_id, metric_id FROM occupied)) i
         CROSS JOIN LATERAL (
           SELECT value, flags, data_version FROM measurement m
            WHERE m.series_id = i.series_id AND m.metric_id = i.metric_id AND m.ts = i.ts
              AND m.ts >= $9 AND m.ts <= $10
            LIMIT 1) m
     ),
     inserted AS (
       ${insertMeasurementsSql(
         `SELECT i.ts, i.series_id, i.metric_id, i.value, i.flag_array, i.data_version, $7, $8
            FROM input i WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.ord = i.ord) ORDER BY i.ord`,
       )}
       RETURNING ts, series_id, metric_id
     ),
     changes AS (
       SELECT i.*, e.old_value, e.old_flags, e.old_version FROM input i JOIN existing e ON e.ord = i.ord
        WHERE (e.old_value, e.old_flags, e.old_version) IS DISTINCT FROM (i.value, i.flag_array, i.data_version)
     ),
     updated AS (
       ${upsertMeasurementsSql(
         `SELECT ts, series_id, metric_id, value, flag_array, data_version, $7, $8 FROM changes
           WHERE data_version >= old_version ORDER BY ord`,
       )}
     ),
     queued AS (
       ${queueRollupKeysSql(
         `SELECT DISTINCT series_id, metric_id, (ts AT TIME ZONE 'Asia/Shanghai')::date
            FROM (SELECT ts, series_id, metric_id FROM inserted UNION ALL SELECT ts, series_id, metric_id FROM updated) x`,
       )}
     )
     SELECT (SELECT count(*) FROM inserted)::int AS inserted, (SELECT count(*) FROM updated)::int AS updated,
            -- A provisional value under an audited one: refused only when it differs (an equal one is unchanged).
            (SELECT array_agg(c.ord::int - 1) FROM changes c
              WHERE c.data_version < c.old_version
                AND (c.old_value, c.old_flags) IS DISTINCT FROM (c.value, c.flag_array)) AS superseded`,
    [...packedColumns(rows), meta.sourceId, meta.batchId, range.min, range.max],
  );
  const r = result[0]!;
  const superseded = r.superseded ?? [];
  const unchanged = rows.length - r.inserted - r.updated - superseded.length;
  return { inserted: r.inserted, updated: r.updated, unchanged, superseded };
}

/**
 * Writes measurements as one statement: the counts, and the provisional rows an audited value kept out, for
 * the caller to refuse. Rows must not repeat a key. A concurrent writer inserting one of the keys between the
 * lookup and the insert makes the lookup write fail with a unique violation; it is then redone as an upsert.
 * Inside a caller's transaction (the HJ 212 receiver's commit round) that failure would abort the whole
 * transaction, so the lookup write runs under a savepoint there.
 */
export async function writeMeasurements(
  db: Queryable,
  rows: readonly MeasurementRow[],
  meta: { sourceId: string; batchId: number | null },
): Promise<WriteCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0, superseded: [] };
  const { sorted, order } = inKeyOrder(rows);
  const savepoint = isInTransaction(db);
  if (savepoint) await db.query('SAVEPOINT write_measurements');
  try {
    const written = await writeByLookup(db, sorted, meta);
    if (savepoint) await db.query('RELEASE SAVEPOINT write_measurements');
    return { ...written, superseded: written.superseded.map((i) => order[i]!).sort((x, y) => x - y) };
  } catch (err) {
    if (!isPgError(err, PG.UNIQUE_VIOLATION)) throw err;
    if (savepoint) await db.query('ROLLBACK TO SAVEPOINT write_measurements');
  }
  const counts = await upsertMeasurements(db, rows, meta);
  const superseded = counts.unchanged > 0 ? await findSupersededByAudited(db, rows) : [];
  return { ...counts, unchanged: counts.unchanged - superseded.length, superseded };
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
    `WITH i AS (${INPUT})
     SELECT i.ord::int AS ord
       FROM i
       JOIN measurement m ON m.series_id = i.series_id AND m.metric_id = i.metric_id AND m.ts = i.ts
      WHERE m.data_version > i.data_version
        AND (m.value, m.flags) IS DISTINCT FROM (i.value, ${flagArraySql('i.flags')})`,
    packedColumns(picked),
  );
  return found.map((f) => provisional[f.ord - 1]!);
}
