/**
 * The bulk path, for large loads (a year of hourly data for hundreds of stations). New data — a history
 * back-fill — is COPYed straight into `measurement` (bulk-direct.ts). Anything else (a key already stored or
 * repeated in the delivery, a chunk reaching back before the partitions made for the first, many refusals)
 * takes the staged route: records are validated in JS as they stream from the file and COPYed into the store's
 * staging table — refused rows included, with their raw content and reason — then moved into `measurement` by
 * one set-based INSERT … ON CONFLICT that also refuses in-batch duplicates and queues the rollups (both
 * writes are the store's: store/measurement-stage.ts). Memory stays
 * bounded whatever the file size: a record is validated, written to the COPY stream (which applies
 * backpressure) and forgotten.
 *
 * The batch is one transaction: it loads completely or not at all, and re-running it is idempotent. Rows the
 * set-based step refuses (duplicates, provisional values under audited ones) are rare; their raw content is
 * recovered by reading the file a second time, only when there are any.
 */
import { Readable } from 'node:stream';
import type pg from 'pg';
import { errorMessage } from '../errors.js';
import { ensurePartitionsFor } from '../store/measurement-queries.js';
import {
  copyIntoStage,
  createStage,
  listStageRefusals,
  moveStageIntoMeasurement,
  refuseSupersededInStage,
  stageRefusedLine,
  stageValidLine,
} from '../store/measurement-stage.js';
import type { Clock } from '../time/shanghai.js';
import {
  failBatch,
  finishBatch,
  markSourceFailure,
  markSourceSuccess,
  openBatch,
  type BatchCounts,
} from './batch-queries.js';
import { tryDirectCopy } from './bulk-direct.js';
import { insertStageValidationRefusals } from './bulk-queries.js';
import { REFUSAL_SAMPLE, type IngestInput, type IngestResult } from './ingest-records.js';
import type { SourceRecord } from './record-kind.js';
import { refuse } from './refusal-reasons.js';
import { insertRefusedRows, type RefusedRowInput } from './refused-queries.js';
import { loadReferenceIndex, type ReferenceIndex } from './reference-index.js';
import { RollupKeys } from './rollup-keys.js';
import { ValidRows } from './valid-rows.js';
import {
  loadValidationLimits,
  validateMeasurement,
  type RawMeasurement,
  type ValidationLimits,
} from './validate-measurement.js';

/** Opens the delivery (again, when refused rows' raw content must be recovered), in chunks of records. */
export type RecordSource = () => AsyncIterable<SourceRecord<RawMeasurement>[]>;

interface StreamStats {
  received: number;
  refusedByValidation: number;
  valid: ValidRows;
}

/** Runs of days kept while streaming (rollup-keys.ts): one per series and metric for a delivery in time order. */
const ROLLUP_KEYS_LIMIT = 200_000;

/** Validates each record and renders it as one COPY line of the staging table. */
async function* stageLines(
  chunks: AsyncIterable<SourceRecord<RawMeasurement>[]>,
  ref: ReferenceIndex,
  now: Date,
  limits: ValidationLimits,
  stats: StreamStats,
) {
  for await (const chunk of chunks) {
    let buf = '';
    for (const rec of chunk) {
      stats.received += 1;
      const seq = stats.received;
      const v = rec.refusal ?? validateMeasurement(rec.raw, ref, now, limits);
      if (v.ok) {
        buf += stageValidLine(seq, rec.row, v.row, stats.valid.add(v.row));
      } else {
        stats.refusedByValidation += 1;
        buf += stageRefusedLine(seq, rec.row, v, rec.raw);
      }
    }
    if (buf) yield buf;
  }
}

export interface BulkResult extends IngestResult {
  /** direct: COPYed straight into measurement (bulk-direct.ts); staged: through the staging table. */
  path: 'direct' | 'staged';
  /**
   * Wall time of each step (ms): stream = read, validate and COPY (into measurement, or into staging);
   * move = the set-based upsert of the staged path, or queueing the rollups of the direct one.
   */
  timingsMs: { stream: number; move: number; refusals: number };
}

export async function bulkIngest(
  pool: pg.Pool,
  input: IngestInput,
  openRecords: RecordSource,
  clock: Clock,
  opts: { batchId?: number; rollupKeysLimit?: number; direct?: boolean } = {},
): Promise<BulkResult> {
  const batchId = opts.batchId ?? (await openBatch(pool, { ...input, recordKind: 'measurement' }));
  const stats: StreamStats = {
    received: 0,
    refusedByValidation: 0,
    valid: new ValidRows(new RollupKeys(opts.rollupKeysLimit ?? ROLLUP_KEYS_LIMIT)),
  };
  const client = await pool.connect();
  try {
    const ref = await loadReferenceIndex(client);
    const limits = await loadValidationLimits(client);
    await client.query('BEGIN');
    // Sorting two million keys for the duplicate check wants more than the default 4 MB (server memory).
    await client.query(`SET LOCAL work_mem = '256MB'`);
    const now = clock.now();
    if (opts.direct !== false) {
      const keys = new RollupKeys(opts.rollupKeysLimit ?? ROLLUP_KEYS_LIMIT);
      const direct = await tryDirectCopy(
        client,
        pool,
        { sourceId: input.sourceId, batchId },
        openRecords(),
        (raw) => validateMeasurement(raw, ref, now, limits),
        keys,
        now,
      );
      if (direct) {
        const counts: BatchCounts = {
          received: direct.received,
          inserted: direct.inserted,
          updated: 0,
          unchanged: 0,
          refused: direct.refused.length,
        };
        await finishBatch(client, batchId, counts, direct.newest);
        await client.query('COMMIT');
        await markSourceSuccess(pool, input.sourceId, batchId, direct.newest, clock.now());
        const refusals = direct.refused
          .slice(0, REFUSAL_SAMPLE)
          .map((r) => ({ row: r.rowNumber, code: r.reasonCode, detail: r.reasonDetail }));
        return {
          ...counts,
          batchId,
          newestDataAt: direct.newest,
          refusals,
          path: 'direct',
          timingsMs: direct.timingsMs,
        };
      }
    }
    await createStage(client);
    const t0 = performance.now();
    // Two chunks in flight at most: memory stays flat while PostgreSQL takes its time.
    await copyIntoStage(
      client,
      Readable.from(stageLines(openRecords(), ref, now, limits, stats), { highWaterMark: 2 }),
    );

    const t1 = performance.now();
    let moved = { inserted: 0, updated: 0, duplicates: 0 };
    let superseded = 0;
    if (stats.valid.good > 0) {
      // On another connection, committed on its own: creating a partition locks the parent table.
      await ensurePartitionsFor(pool, new Date(stats.valid.min), new Date(stats.valid.max));
      moved = await moveStageIntoMeasurement(
        client,
        { sourceId: input.sourceId, batchId },
        new Date(stats.valid.min),
        new Date(stats.valid.max),
        stats.valid.keys.lines(),
      );
      if (moved.inserted + moved.updated + moved.duplicates < stats.valid.good)
        superseded = await refuseSupersededInStage(client);
    }
    const t2 = performance.now();
    await insertStageValidationRefusals(client, batchId, input.sourceId);
    if (moved.duplicates + superseded > 0)
      await recoverStageRefusals(client, batchId, input.sourceId, openRecords);

    const refused = stats.refusedByValidation + moved.duplicates + superseded;
    const counts: BatchCounts = {
      received: stats.received,
      inserted: moved.inserted,
      updated: moved.updated,
      unchanged: stats.valid.good - moved.duplicates - superseded - moved.inserted - moved.updated,
      refused,
    };
    await finishBatch(client, batchId, counts, stats.valid.newest);
    await client.query('COMMIT');
    await markSourceSuccess(pool, input.sourceId, batchId, stats.valid.newest, clock.now());
    const timingsMs = { stream: t1 - t0, move: t2 - t1, refusals: performance.now() - t2 };
    return { ...counts, batchId, newestDataAt: stats.valid.newest, refusals: [], path: 'staged', timingsMs };
  } catch (err) {
    // The transaction is gone either way; bookkeeping may fail for the same reason as the load did.
    await Promise.allSettled([
      client.query('ROLLBACK'),
      failBatch(pool, batchId, errorMessage(err)),
      markSourceFailure(pool, input.sourceId, errorMessage(err), clock.now()),
    ]);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Reads the delivery again to store the raw content of the rows the set-based step refused. Both are in
 * record order, so one pass merges them with a page of refusals in memory at a time.
 */
async function recoverStageRefusals(
  client: pg.PoolClient,
  batchId: number,
  sourceId: string,
  openRecords: RecordSource,
): Promise<void> {
  const PAGE = 5_000;
  let page = await listStageRefusals(client, 0, PAGE);
  let i = 0;
  let seq = 0;
  let out: RefusedRowInput[] = [];
  for await (const chunk of openRecords()) {
    for (const rec of chunk) {
      seq += 1;
      if (i >= page.length) break;
      const want = page[i]!;
      if (want.seq !== seq) continue;
      const r = refuse(want.reason_code, want.key);
      out.push({ rowNumber: rec.row, raw: rec.raw, reasonCode: r.code, reasonDetail: r.detail });
      i += 1;
      if (i >= page.length) {
        await insertRefusedRows(client, batchId, sourceId, 'measurement', out);
        out = [];
        page = await listStageRefusals(client, want.seq, PAGE);
        i = 0;
      }
    }
    if (i >= page.length) break;
  }
  await insertRefusedRows(client, batchId, sourceId, 'measurement', out);
  if (i < page.length)
    throw new Error(`bulk load: the delivery changed while it was loaded (record ${page[i]!.seq} missing)`);
}
