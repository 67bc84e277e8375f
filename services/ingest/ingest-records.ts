/**
 * The steady ingestion path, for every record kind: validate records, write the good ones, keep the refused
 * ones with their raw content and reason, and close the batch with counts that add up
 * (received = inserted + updated + unchanged + refused). Records are written in chunks, each atomically with
 * its refused rows, so a large batch neither holds one huge transaction nor loses a refusal if it stops
 * half-way; re-running a delivery is idempotent (unchanged rows change nothing).
 *
 * Chunks are pipelined: while PostgreSQL writes one chunk, the next is validated (the batch keeps one client,
 * whose queries go out at once), so a batch costs about its database time, not database plus validation.
 */
import type pg from 'pg';
import { isInTransaction, withTransaction } from '../db/queryable.js';
import { errorMessage } from '../errors.js';
import type { Clock } from '../time/shanghai.js';
import {
  failBatch,
  finishBatchAndMarkSource,
  markSourceFailure,
  openBatch,
  type BatchCounts,
  type OpenBatchInput,
} from './batch-queries.js';
import type { RecordKind, SourceRecord, WriteOutcome } from './record-kind.js';
import { refuse } from './refusal-reasons.js';
import { insertRefusedRows, markRefusedRowsRetried, type RefusedRowInput } from './refused-queries.js';
import { ingestLimits } from './limits.js';
import { findOversizedText, findUnsafeText } from './safe-text.js';

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
export const REFUSAL_SAMPLE = 200;

interface Chunk<Raw, Row> {
  good: { row: Row; rec: SourceRecord<Raw> }[];
  bad: RefusedRowInput[];
  retried: number[];
}

const emptyChunk = <Raw, Row>(): Chunk<Raw, Row> => ({ good: [], bad: [], retried: [] });

/**
 * Writes one chunk: its rows, the rows the store refused, the refused rows, the retried rows closed. A chunk
 * whose only statement is the kind's single-statement write needs no transaction of its own.
 */
async function writeChunk<Raw, Row>(
  client: pg.PoolClient,
  kind: RecordKind<Raw, Row>,
  chunk: Chunk<Raw, Row>,
  meta: { sourceId: string; batchId: number; by: string },
): Promise<{ out: WriteOutcome; bad: RefusedRowInput[] }> {
  const rows = chunk.good.map((g) => g.row);
  const storeRefusals = (out: WriteOutcome): RefusedRowInput[] =>
    out.refused.map((r) => {
      const rec = chunk.good[r.index]!.rec;
      return {
        rowNumber: rec.row,
        raw: rec.raw,
        reasonCode: r.code,
        reasonDetail: r.detail,
        retryOf: rec.retryOf ?? null,
      };
    });
  if (kind.singleStatementWrite && chunk.bad.length === 0 && chunk.retried.length === 0) {
    const out = await kind.write(client, rows, { ...meta, autocommit: true });
    // Rows the store kept out were not written: refusing them after the write loses nothing if we stop here.
    const bad = storeRefusals(out);
    await insertRefusedRows(client, meta.batchId, meta.sourceId, kind.id, bad);
    return { out, bad };
  }
  return withTransaction(client, async (tx) => {
    const out =
      rows.length > 0
        ? await kind.write(tx, rows, meta)
        : { inserted: 0, updated: 0, unchanged: 0, refused: [] };
    const bad = [...chunk.bad, ...storeRefusals(out)];
    await insertRefusedRows(tx, meta.batchId, meta.sourceId, kind.id, bad);
    await markRefusedRowsRetried(tx, chunk.retried, meta.batchId, meta.by);
    return { out, bad };
  });
}

export async function ingestRecords<Raw, Row>(
  pool: pg.Pool,
  input: IngestInput,
  kind: RecordKind<Raw, Row>,
  /** Records one by one, or in chunks (file readers yield a chunk per read). */
  records: Iterable<SourceRecord<Raw>> | AsyncIterable<SourceRecord<Raw> | SourceRecord<Raw>[]>,
  clock: Clock,
  /**
   * `client`: a connection the caller holds (and releases), e.g. the one holding the push's reference lock.
   * When it is inside the caller's transaction (the HJ 212 receiver's commit round), the batch is opened in
   * it, and on failure the caller's rollback undoes the batch: it is not marked failed here, and the source
   * failure is the caller's to record after its rollback (recorded from another connection before it, it
   * would wait for the source_status row this transaction may hold, which waits for us).
   */
  opts: { by?: string; batchId?: number; client?: pg.PoolClient } = {},
): Promise<IngestResult> {
  const callersTx = opts.client !== undefined && isInTransaction(opts.client);
  const batchId =
    opts.batchId ?? (await openBatch(callersTx ? opts.client! : pool, { ...input, recordKind: kind.id }));
  const meta = { sourceId: input.sourceId, batchId, by: opts.by ?? input.adapter };
  const counts: BatchCounts = { received: 0, inserted: 0, updated: 0, unchanged: 0, refused: 0 };
  const refusals: RefusalSummary[] = [];
  const sample = (bad: readonly RefusedRowInput[]) => {
    for (const r of bad) {
      if (refusals.length >= REFUSAL_SAMPLE) return;
      refusals.push({ row: r.rowNumber, code: r.reasonCode, detail: r.reasonDetail });
    }
  };
  let newest: Date | null = null;
  let inFlight: Promise<void> | null = null;
  let checkedOut: pg.PoolClient | undefined;
  try {
    // Inside the try: a connection that cannot be had (a busy pool, the database gone) fails the batch just
    // opened instead of leaving it 'running' — and its reference taken — for ever (issue #20).
    const client = opts.client ?? (checkedOut = await pool.connect());
    const validate = await kind.prepare(client);
    const seen = new Set<string>();
    let chunk = emptyChunk<Raw, Row>();

    /** Starts writing the pending chunk once the previous one is done; does not wait for it. */
    const flush = async () => {
      const c = chunk;
      chunk = emptyChunk<Raw, Row>();
      if (inFlight) await inFlight;
      const rows = c.good.map((g) => g.row);
      if (rows.length > 0) await kind.beforeWrite?.(client, rows);
      inFlight = writeChunk(client, kind, c, meta).then(({ out, bad }) => {
        // Counted once stored, so a failed batch reports exactly what it committed.
        counts.inserted += out.inserted;
        counts.updated += out.updated;
        counts.unchanged += out.unchanged;
        counts.refused += bad.length;
        sample(bad);
      });
      // Awaited before the next chunk or at the end; a rejection meanwhile is not "unhandled".
      inFlight.catch(() => undefined);
    };

    /** Validates one record into the pending chunk; true when the chunk is full. */
    const take = (rec: SourceRecord<Raw>): boolean => {
      counts.received += 1;
      if (rec.retryOf !== undefined) chunk.retried.push(rec.retryOf);
      const retryOf = rec.retryOf ?? null;
      // Checked before validation, for every kind: text PostgreSQL cannot keep, or too long to keep whole
      // (unless the adapter checked the text the record was cut from: the HJ 212 receiver's data area).
      const unsafe = rec.textChecked ? null : findUnsafeText(rec.raw);
      const oversized =
        unsafe || rec.textChecked ? null : findOversizedText(rec.raw, ingestLimits().maxFieldChars);
      const v =
        rec.refusal ??
        (unsafe
          ? refuse('UNSAFE_TEXT', unsafe)
          : oversized
            ? refuse('FIELD_TOO_LONG', oversized)
            : validate(rec.raw, now, true));
      const refusal = !v.ok ? v : seen.has(v.key) ? refuse('DUPLICATE_IN_BATCH', v.key) : null;
      if (refusal) {
        chunk.bad.push({
          rowNumber: rec.row,
          raw: rec.raw,
          reasonCode: refusal.code,
          reasonDetail: refusal.detail,
          retryOf,
        });
      } else if (v.ok) {
        seen.add(v.key);
        chunk.good.push({ row: v.row, rec });
        if (v.dataAt && (!newest || v.dataAt > newest)) newest = v.dataAt;
      }
      return chunk.good.length + chunk.bad.length >= CHUNK_SIZE;
    };

    const now = clock.now();
    for await (const item of records) {
      for (const rec of Array.isArray(item) ? item : [item]) if (take(rec)) await flush();
    }
    await flush();
    await inFlight;
    await finishBatchAndMarkSource(client, {
      batchId,
      sourceId: input.sourceId,
      counts,
      newestDataAt: newest,
      at: clock.now(),
    });
    return { ...counts, batchId, newestDataAt: newest, refusals };
  } catch (err) {
    await (inFlight as Promise<void> | null)?.catch(() => undefined);
    if (callersTx) throw err;
    // The committed chunks stay (re-running the delivery is idempotent); the batch says where it stopped.
    const committed = {
      ...counts,
      received: counts.inserted + counts.updated + counts.unchanged + counts.refused,
    };
    // Bookkeeping may fail for the same reason (the database is gone); the original error is the one to see.
    await Promise.allSettled([
      failBatch(pool, batchId, errorMessage(err), committed),
      markSourceFailure(pool, input.sourceId, errorMessage(err), clock.now()),
    ]);
    throw err;
  } finally {
    checkedOut?.release();
  }
}
