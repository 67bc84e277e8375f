/**
 * A pushed batch of measurements (the HTTP push's body, once the route has checked the source and the
 * caller): one request is one batch through the steady path, and a `batch_ref` makes retries idempotent —
 * the same reference for the same source answers with the first batch and its refusals. The route lives in
 * services/api/routes/measurement-push-route.ts; this module knows batches, not HTTP.
 */
import type pg from 'pg';
import { z } from 'zod';
import { isPgError, PG } from '../db/pg-errors.js';
import type { Queryable } from '../db/queryable.js';
import { ConflictError } from '../errors.js';
import type { Clock } from '../time/shanghai.js';
import {
  failBatch,
  findBatchByClientRef,
  openBatch,
  releaseClientRef,
  tryLockClientRef,
  unlockClientRef,
  type BatchRow,
} from './batch-queries.js';
import { ingestRecords, type IngestResult } from './ingest-records.js';
import { measurementKind } from './kinds/measurement-kind.js';
import type { SourceRecord } from './record-kind.js';
import { listRefusedRows } from './refused-queries.js';
import type { RawMeasurement } from './validate-measurement.js';

const scalar = z.union([z.string(), z.number(), z.null()]).optional();
export const pushedMeasurement = z
  .object({
    time: scalar,
    series: scalar,
    station: scalar,
    metric: scalar,
    value: scalar,
    unit: scalar,
    flags: z.union([z.string(), z.array(z.string()), z.null()]).optional(),
    version: scalar,
  })
  .loose();

export type PushedMeasurement = z.infer<typeof pushedMeasurement>;

const text = (v: string | number | null | undefined): string =>
  v === null || v === undefined ? '' : String(v);

function toRecords(items: PushedMeasurement[]): SourceRecord<RawMeasurement>[] {
  return items.map((m, i) => ({
    row: i + 1,
    raw: {
      time: text(m.time),
      series: text(m.series ?? m.station),
      metric: text(m.metric),
      value: m.value ?? null,
      unit: m.unit === null || m.unit === undefined ? null : String(m.unit),
      flags: Array.isArray(m.flags) ? m.flags.join(';') : (m.flags ?? null),
      version: m.version === null || m.version === undefined ? null : String(m.version),
    },
  }));
}

function answer(b: BatchRow | IngestResult, refusals: IngestResult['refusals'], replayed: boolean) {
  const batchId = 'batchId' in b ? b.batchId : b.id;
  const { received, inserted, updated, unchanged, refused } = b;
  return { batch_id: batchId, received, inserted, updated, unchanged, refused, refusals, replayed };
}

async function replay(db: Queryable, batch: BatchRow) {
  if (batch.status !== 'done')
    throw new ConflictError(`batch_ref is already in use by batch ${batch.id} (${batch.status})`);
  const rows = await listRefusedRows(db, { batchId: batch.id, limit: 200 });
  return answer(
    batch,
    rows.map((r) => ({ row: r.row_number, code: r.reason_code, detail: r.reason_detail })),
    true,
  );
}

export type PushAnswer = ReturnType<typeof answer>;

export interface PushedBatch {
  sourceId: string;
  clientRef: string | null;
  /** Where it came from (the client's address), kept on the batch. */
  origin: string;
  measurements: PushedMeasurement[];
}

/**
 * Ingests one pushed batch; `ingested` is the new batch's result (null when an earlier batch with the same
 * reference answered), so the caller can ask for the rollups only after data changed.
 */
export async function ingestPushedBatch(
  db: pg.Pool,
  clock: Clock,
  push: PushedBatch,
): Promise<{ answer: PushAnswer; ingested: IngestResult | null }> {
  if (!push.clientRef) return ingestNewBatch(db, clock, push);
  const { sourceId, clientRef } = push;
  // One connection for the whole push: it holds the reference's lock while the batch is written.
  const client = await db.connect();
  let lost: Error | undefined;
  try {
    if (!(await tryLockClientRef(client, sourceId, clientRef))) {
      throw new ConflictError(
        `batch_ref "${clientRef}" is being pushed by another request right now; retry when it has answered`,
      );
    }
    try {
      const earlier = await findBatchByClientRef(client, sourceId, clientRef);
      if (earlier?.status === 'running') await abandonBatch(client, earlier.id);
      else if (earlier) return { answer: await replay(client, earlier), ingested: null };
      return await ingestNewBatch(db, clock, push, client);
    } finally {
      await unlockClientRef(client, sourceId, clientRef).catch((err: unknown) => {
        lost = err instanceof Error ? err : new Error(String(err));
      });
    }
  } finally {
    // A connection that failed to unlock is not given back to the pool still holding the lock.
    client.release(lost);
  }
}

/** The batch of a push whose session ended (the lock was free): failed, with why, its reference given up. */
async function abandonBatch(client: pg.PoolClient, batchId: number): Promise<void> {
  await failBatch(
    client,
    batchId,
    'abandoned: the push that opened this batch ended without finishing (process stopped or connection lost); its batch_ref was retried',
  );
  await releaseClientRef(client, batchId);
}

async function ingestNewBatch(
  db: pg.Pool,
  clock: Clock,
  push: PushedBatch,
  client?: pg.PoolClient,
): Promise<{ answer: PushAnswer; ingested: IngestResult | null }> {
  const { sourceId, clientRef } = push;
  const input = { sourceId, adapter: 'http_push', origin: push.origin, clientRef };
  let batchId: number;
  try {
    batchId = await openBatch(client ?? db, { ...input, recordKind: 'measurement' });
  } catch (err) {
    // Two requests with the same reference at once: the second answers like a retry.
    if (!clientRef || !isPgError(err, PG.UNIQUE_VIOLATION)) throw err;
    const earlier = await findBatchByClientRef(client ?? db, sourceId, clientRef);
    if (!earlier) throw err;
    return { answer: await replay(client ?? db, earlier), ingested: null };
  }
  let result: IngestResult;
  try {
    result = await ingestRecords(db, input, measurementKind, toRecords(push.measurements), clock, {
      batchId,
      ...(client ? { client } : {}),
    });
  } catch (err) {
    if (clientRef) await releaseClientRef(client ?? db, batchId); // the client may retry with the same reference
    throw err;
  }
  return { answer: answer(result, result.refusals, false), ingested: result };
}
