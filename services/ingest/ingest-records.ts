/**
 * The steady ingestion path, for every record kind: validate records, write the good ones, keep the refused
 * ones with their raw content and reason, and close the batch with counts that add up
 * (received = inserted + updated + unchanged + refused). Records are processed in chunks, each in its own
 * transaction together with its refused rows, so a large batch neither holds one huge transaction nor loses
 * a refusal if it stops half-way; re-running a delivery is idempotent (unchanged rows change nothing).
 */
import type pg from 'pg';
import { withTransaction } from '../db/queryable.js';
import { errorMessage } from '../errors.js';
import type { Clock } from '../time/shanghai.js';
import {
  failBatch,
  finishBatch,
  markSourceFailure,
  markSourceSuccess,
  openBatch,
  type BatchCounts,
  type OpenBatchInput,
} from './batch-queries.js';
import type { RecordKind, SourceRecord } from './record-kind.js';
import { refuse } from './refusal-reasons.js';
import { insertRefusedRows, markRefusedRowsRetried, type RefusedRowInput } from './refused-queries.js';

export type IngestInput = Omit<OpenBatchInput, 'recordKind'>;

export interface RefusalSummary {
  row: number | null;
  code: string;
  detail: string;
}

export interface IngestResult extends BatchCounts {
  batchId: number;
  newestDataAt: Date | null;
  /** The first refusals (at most REFUSAL_SAMPLE), for a pushing client or a person at the CLI. */
  refusals: RefusalSummary[];
}

export const CHUNK_SIZE = 5_000;
const REFUSAL_SAMPLE = 200;

interface Pending<Raw, Row> {
  row: Row;
  rec: SourceRecord<Raw>;
}

export async function ingestRecords<Raw, Row>(
  pool: pg.Pool,
  input: IngestInput,
  kind: RecordKind<Raw, Row>,
  /** Records one by one, or in chunks (file readers yield a chunk per read). */
  records: Iterable<SourceRecord<Raw>> | AsyncIterable<SourceRecord<Raw> | SourceRecord<Raw>[]>,
  clock: Clock,
  opts: { by?: string; batchId?: number } = {},
): Promise<IngestResult> {
  const batchId = opts.batchId ?? (await openBatch(pool, { ...input, recordKind: kind.id }));
  const counts: BatchCounts = { received: 0, inserted: 0, updated: 0, unchanged: 0, refused: 0 };
  const refusals: RefusalSummary[] = [];
  let newest: Date | null = null;
  try {
    const validate = await kind.prepare(pool);
    const seen = new Set<string>();
    let good: Pending<Raw, Row>[] = [];
    let bad: RefusedRowInput[] = [];
    let retried: number[] = [];
    const noteRefusal = (r: RefusedRowInput) => {
      bad.push(r);
      if (refusals.length < REFUSAL_SAMPLE)
        refusals.push({ row: r.rowNumber, code: r.reasonCode, detail: r.reasonDetail });
    };
    const flush = async () => {
      const chunk = good;
      const chunkBad = bad;
      const chunkRetried = retried;
      good = [];
      bad = [];
      retried = [];
      const rows = chunk.map((p) => p.row);
      if (rows.length > 0) await kind.beforeWrite?.(pool, rows);
      await withTransaction(pool, async (tx) => {
        const out = await kind.write(tx, rows, { sourceId: input.sourceId, batchId });
        for (const r of out.refused) {
          const rec = chunk[r.index]!.rec;
          const refusal = {
            rowNumber: rec.row,
            raw: rec.raw,
            reasonCode: r.code,
            reasonDetail: r.detail,
            retryOf: rec.retryOf ?? null,
          };
          chunkBad.push(refusal);
          if (refusals.length < REFUSAL_SAMPLE)
            refusals.push({ row: rec.row, code: r.code, detail: r.detail });
        }
        await insertRefusedRows(tx, batchId, input.sourceId, kind.id, chunkBad);
        await markRefusedRowsRetried(tx, chunkRetried, batchId, opts.by ?? input.adapter);
        counts.inserted += out.inserted;
        counts.updated += out.updated;
        counts.unchanged += out.unchanged;
        counts.refused += chunkBad.length;
      });
    };
    const now = clock.now();
    for await (const item of records) {
      for (const rec of Array.isArray(item) ? item : [item]) if (take(rec)) await flush();
    }
    /** Validates one record into the pending chunk; true when the chunk is full. */
    function take(rec: SourceRecord<Raw>): boolean {
      counts.received += 1;
      if (rec.retryOf !== undefined) retried.push(rec.retryOf);
      const v = validate(rec.raw, now);
      const retryOf = rec.retryOf ?? null;
      if (!v.ok) {
        noteRefusal({
          rowNumber: rec.row,
          raw: rec.raw,
          reasonCode: v.code,
          reasonDetail: v.detail,
          retryOf,
        });
      } else if (seen.has(v.key)) {
        const d = refuse('DUPLICATE_IN_BATCH', v.key);
        noteRefusal({
          rowNumber: rec.row,
          raw: rec.raw,
          reasonCode: d.code,
          reasonDetail: d.detail,
          retryOf,
        });
      } else {
        seen.add(v.key);
        good.push({ row: v.row, rec });
        if (v.dataAt && (!newest || v.dataAt > newest)) newest = v.dataAt;
      }
      return good.length + bad.length >= CHUNK_SIZE;
    }
    await flush();
    await finishBatch(pool, batchId, counts, newest);
    await markSourceSuccess(pool, input.sourceId, batchId, newest, clock.now());
    return { ...counts, batchId, newestDataAt: newest, refusals };
  } catch (err) {
    // The committed chunks stay (re-running the delivery is idempotent); the batch says where it stopped.
    const committed = {
      ...counts,
      received: counts.inserted + counts.updated + counts.unchanged + counts.refused,
    };
    await failBatch(pool, batchId, errorMessage(err), committed);
    await markSourceFailure(pool, input.sourceId, errorMessage(err), clock.now());
    throw err;
  }
}
