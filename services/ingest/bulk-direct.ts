/**
 * The bulk path's fast case: validated rows are COPYed straight into `measurement`, with no staging table and
 * no set-based move — the common history back-fill, where every key is new, costs about what a plain COPY
 * costs. It is optimistic and gives up (the caller rolls back to the savepoint and takes the staged path,
 * which handles everything) as soon as the load is not that case:
 *  - a key already stored, or twice in the delivery: the primary key refuses it (23505);
 *  - a month without its partition (plain mode): partitions are made before the COPY from the first chunk's
 *    month to now, which covers a delivery in time order; an earlier month makes routing fail (23514);
 *  - more refused rows than REFUSALS_LIMIT: they are kept in memory until the COPY ends.
 * Memory stays bounded: a record is validated, written to the COPY stream (which applies backpressure) and
 * forgotten; only refusals (bounded) and the rollup keys (bounded, see rollup-keys.ts) are kept.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { isPgError, PG } from '../db/pg-errors.js';
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

/** COPY text format: backslash, tab, newline and carriage return are escaped; \N is NULL. */
export function copyText(s: string): string {
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : s;
}

/** A text[] literal: every element quoted, `"` and `\` escaped for the array parser. */
function arrayLiteral(items: readonly string[]): string {
  if (items.length === 0) return '{}';
  return `{${items.map((f) => `"${f.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

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
  const tail = `\t${copyText(meta.sourceId)}\t${meta.batchId}\n`;

  const lines = (chunk: SourceRecord<RawMeasurement>[]): string => {
    let buf = '';
    for (const rec of chunk) {
      received += 1;
      const v = validate(rec.raw);
      if (!v.ok) {
        if (refused.length >= REFUSALS_LIMIT) throw new GiveUp('too many refused rows');
        refused.push({ rowNumber: rec.row, raw: rec.raw, reasonCode: v.code, reasonDetail: v.detail });
        continue;
      }
      const r = v.row;
      valid.add(r);
      const flags = r.flags && r.flags.length > 0 ? copyText(arrayLiteral(r.flags)) : '{}';
      buf += `${r.ts.toISOString()}\t${copyText(r.seriesId)}\t${r.metricId}\t${r.value}\t${flags}\t${r.dataVersion}${tail}`;
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
    const copy = client.query(
      copyFrom(
        `COPY measurement (ts, series_id, metric_id, value, flags, data_version, source_id, batch_id) FROM STDIN`,
      ),
    );
    // Two chunks in flight at most: memory stays flat while PostgreSQL takes its time.
    await pipeline(Readable.from(rest(), { highWaterMark: 2 }), copy);
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
      inserted: copy.rowCount,
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
