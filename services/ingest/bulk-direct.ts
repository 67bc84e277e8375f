/**
 * The bulk path's fast case: validated rows are COPYed straight into `measurement` (the store's
 * copyIntoMeasurement), with no staging table and no set-based move — the common history back-fill, where every
 * key is new, costs about what a plain COPY costs. It is optimistic and gives up (the caller rolls back to the savepoint and takes the staged path,
 * which handles everything) as soon as the load is not that case:
 *  - a key already stored, or twice in the delivery: the primary key refuses it (23505);
 *  - a month without its partition (plain mode): partitions are made before the COPY from the first chunk's
 *    month to now, which covers a delivery in time order; an earlier month makes routing fail (23514);
 *  - more refused rows than REFUSALS_LIMIT: they are kept in memory until the COPY ends.
 * Memory stays bounded: a record is validated, written to the COPY stream (which applies backpressure) and
 * forgotten; only refusals (bounded) and the rollup keys (bounded, see rollup-keys.ts) are kept.
 */
import { Readable } from 'node:stream';
import type pg from 'pg';
import { isPgError, PG } from '../db/pg-errors.js';
import { copyIntoMeasurement, measurementCopyLine, measurementCopyTail } from '../store/measurement-copy.js';
import { ensurePartitionsFor } from '../store/measurement-queries.js';
import { queueRollupKeyRuns, queueRollupKeysOfBatch } from '../store/rollup-queue-writes.js';
import type { SourceRecord } from './record-kind.js';
import { insertRefusedRows, type RefusedRowInput } from './refused-queries.js';
import type { RollupKeys } from './rollup-keys.js';
import type { RawMeasurement, ValidationOutcome } from './validate-measurement.js';
import { ValidRows } from './valid-rows.js';

/** Refusals kept in memory before the fast case gives up: ~2 MB of raw records. */
export const REFUSALS_LIMIT = 10_000;
const REFUSAL_PAGE = 5_000;

export interface DirectResult {
  received: number;
  inserted: number;
  refused: RefusedRowInput[];
  newest: Date | null;
  timingsMs: { stream: number; move: number; refusals: number };
}

class GiveUp extends Error {}

/**
 * Tries the fast case inside the caller's transaction. Returns null, with everything it wrote rolled back,
 * when the load is not a fresh one; throws only for real failures.
 */
export async function tryDirectCopy(
  client: pg.PoolClient,
  pool: pg.Pool,
  meta: { sourceId: string; batchId: number },
  records: AsyncIterable<SourceRecord<RawMeasurement>[]>,
  validate: (raw: RawMeasurement) => ValidationOutcome,
  keys: RollupKeys,
  now: Date,
): Promise<DirectResult | null> {
  const it = records[Symbol.asyncIterator]();
  const refused: RefusedRowInput[] = [];
  let received = 0;
  const valid = new ValidRows(keys);
  const tail = measurementCopyTail(meta);

  const lines = (chunk: SourceRecord<RawMeasurement>[]): string => {
    let buf = '';
    for (const rec of chunk) {
      received += 1;
      const v = rec.refusal ?? validate(rec.raw);
      if (!v.ok) {
        if (refused.length >= REFUSALS_LIMIT) throw new GiveUp('too many refused rows');
        refused.push({ rowNumber: rec.row, raw: rec.raw, reasonCode: v.code, reasonDetail: v.detail });
        continue;
      }
      valid.add(v.row);
      buf += measurementCopyLine(v.row, tail);
    }
    return buf;
  };

  const t0 = performance.now();
  await client.query('SAVEPOINT direct_copy');
  try {
    const first = await it.next();
    const firstLines = first.done ? '' : lines(first.value);
    if (valid.good === 0) throw new GiveUp('no valid row in the first chunk');
    // On another connection, committed on its own (creating a partition locks the parent table), before this
    // transaction touches measurement. A delivery in time order needs nothing before its first month.
    await ensurePartitionsFor(pool, new Date(valid.min), new Date(Math.max(valid.max, now.getTime())));
    async function* rest() {
      yield firstLines;
      for (let r = await it.next(); !r.done; r = await it.next()) {
        const buf = lines(r.value);
        if (buf) yield buf;
      }
    }
    // Two chunks in flight at most: memory stays flat while PostgreSQL takes its time.
    const inserted = await copyIntoMeasurement(client, Readable.from(rest(), { highWaterMark: 2 }));
    await client.query('RELEASE SAVEPOINT direct_copy');
    const t1 = performance.now();
    const keyLines = keys.lines();
    if (keyLines !== null) await queueRollupKeyRuns(client, keyLines);
    else await queueRollupKeysOfBatch(client, meta.batchId, new Date(valid.min), new Date(valid.max));
    const t2 = performance.now();
    for (let i = 0; i < refused.length; i += REFUSAL_PAGE)
      await insertRefusedRows(
        client,
        meta.batchId,
        meta.sourceId,
        'measurement',
        refused.slice(i, i + REFUSAL_PAGE),
      );
    return {
      received,
      inserted,
      refused,
      newest: valid.newest,
      timingsMs: { stream: t1 - t0, move: t2 - t1, refusals: performance.now() - t2 },
    };
  } catch (err) {
    await it.return?.();
    if (err instanceof GiveUp || isPgError(err, PG.UNIQUE_VIOLATION) || isPgError(err, PG.CHECK_VIOLATION)) {
      await client.query('ROLLBACK TO SAVEPOINT direct_copy');
      return null;
    }
    throw err;
  }
}
