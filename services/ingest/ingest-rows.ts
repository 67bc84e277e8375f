/**
 * The steady ingestion path: validate rows, upsert the good ones, keep the refused ones with their reason,
 * and close the batch with counts that add up (received = inserted + updated + unchanged + refused).
 * Rows are processed in chunks, each in its own transaction with its refused rows, so a large batch
 * neither holds one huge transaction nor loses a refusal if it stops half-way (re-running is idempotent).
 */
import type pg from 'pg';
import { withTransaction } from '../db/queryable.js';
import { errorMessage } from '../errors.js';
import type { Clock } from '../time/shanghai.js';
import { ensurePartitionsFor, upsertMeasurements, type MeasurementRow } from '../store/measurement-queries.js';
import {
  failBatch,
  finishBatch,
  insertRefusedRows,
  markSourceSuccess,
  openBatch,
  type BatchCounts,
  type RefusedRowInput,
} from './batch-queries.js';
import { loadReferenceIndex } from './reference-index.js';
import { REFUSAL_REASONS, validateMeasurement, type RawMeasurement } from './validate-measurement.js';

export interface IngestBatchInput {
  sourceId: string;
  adapter: string;
  origin?: string | null;
  tick?: string | null;
}

export interface IngestResult extends BatchCounts {
  batchId: number;
  newestDataAt: Date | null;
}

const CHUNK = 5_000;

export async function ingestRows(
  pool: pg.Pool,
  input: IngestBatchInput,
  rows: Iterable<RawMeasurement> | AsyncIterable<RawMeasurement>,
  clock: Clock,
): Promise<IngestResult> {
  const batchId = await openBatch(pool, input);
  const counts: BatchCounts = { received: 0, inserted: 0, updated: 0, unchanged: 0, refused: 0 };
  let newest: Date | null = null;
  try {
    const ref = await loadReferenceIndex(pool);
    const seen = new Set<string>();
    let good: MeasurementRow[] = [];
    let refused: RefusedRowInput[] = [];
    const flush = async () => {
      const chunk = good;
      const bad = refused;
      good = [];
      refused = [];
      if (chunk.length > 0) {
        let min = chunk[0]!.ts;
        let max = min;
        for (const r of chunk) {
          if (r.ts < min) min = r.ts;
          if (r.ts > max) max = r.ts;
        }
        await ensurePartitionsFor(pool, min, max);
      }
      await withTransaction(pool, async (tx) => {
        const c = await upsertMeasurements(tx, chunk, { sourceId: input.sourceId, batchId });
        await insertRefusedRows(tx, batchId, input.sourceId, bad);
        counts.inserted += c.inserted;
        counts.updated += c.updated;
        counts.unchanged += c.unchanged;
        counts.refused += bad.length;
      });
    };
    const now = clock.now();
    for await (const raw of rows) {
      counts.received += 1;
      const outcome = validateMeasurement(raw, ref, now);
      if (!outcome.ok) {
        refused.push({ rowNumber: counts.received, raw, reasonCode: outcome.code, reasonDetail: outcome.detail });
      } else {
        const key = `${outcome.row.seriesId}|${outcome.row.metricId}|${outcome.row.ts.getTime()}`;
        if (seen.has(key)) {
          refused.push({
            rowNumber: counts.received,
            raw,
            reasonCode: 'DUPLICATE_IN_BATCH',
            reasonDetail: REFUSAL_REASONS.DUPLICATE_IN_BATCH,
          });
        } else {
          seen.add(key);
          good.push(outcome.row);
          if (!newest || outcome.row.ts > newest) newest = outcome.row.ts;
        }
      }
      if (good.length + refused.length >= CHUNK) await flush();
    }
    await flush();
    await finishBatch(pool, batchId, counts);
    await markSourceSuccess(pool, input.sourceId, batchId, newest);
    return { ...counts, batchId, newestDataAt: newest };
  } catch (err) {
    await failBatch(pool, batchId, errorMessage(err));
    throw err;
  }
}
