/**
 * Fixing refused rows from the API and the dashboard. Re-processing is the ingestion engine's
 * (services/ingest/reprocess.ts): the stored raw rows, with any corrections, go through the same validation
 * and write path as a new `reprocess` batch; each retried row is closed, and a row refused again is refused
 * anew in that batch with retry_of pointing back. This module adds the access check's counterpart — the
 * audit entries — and reports which rows went through and which were refused again (with their new ids).
 */
import type pg from 'pg';
import { z } from 'zod';
import { withTransaction, type Queryable } from '../db/queryable.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { writeAudit, type Actor } from '../auth/audit-log.js';
import { reprocessRefusedRows as reprocessInIngest } from '../ingest/reprocess.js';
import { discardRefusedRows } from '../ingest/refused-queries.js';
import type { Clock } from '../time/shanghai.js';
import { findRefusedRow, type RefusedRow } from './queries/ingest-read.js';

/** The fields an operator may correct; the rest of the stored raw record is kept as received. */
export const rawCorrectionSchema = z
  .object({
    time: z.string(),
    series: z.string(),
    metric: z.string(),
    value: z.union([z.number(), z.string()]).transform(String),
    unit: z.string(),
    flags: z.string(),
    version: z.string(),
  })
  .partial();
export type RawCorrection = z.infer<typeof rawCorrectionSchema>;

export interface ReprocessOutcome {
  batchIds: number[];
  reprocessed: number[];
  /** Rows refused again: the new open row, the row it retries, and the current reason. */
  stillRefused: { id: number; retryOf: number; reasonCode: string; reasonDetail: string }[];
}

async function refusedAgain(
  db: Queryable,
  batchIds: readonly number[],
): Promise<ReprocessOutcome['stillRefused']> {
  if (batchIds.length === 0) return [];
  const { rows } = await db.query<{
    id: number;
    retry_of: number;
    reason_code: string;
    reason_detail: string;
  }>(
    `SELECT id, retry_of, reason_code, reason_detail FROM refused_row WHERE batch_id = ANY ($1::bigint[]) AND retry_of IS NOT NULL ORDER BY id`,
    [batchIds],
  );
  return rows.map((r) => ({
    id: r.id,
    retryOf: r.retry_of,
    reasonCode: r.reason_code,
    reasonDetail: r.reason_detail,
  }));
}

/** Re-processes open refused rows — by id, or every open row of a batch — optionally with corrections. */
export async function reprocessRefused(
  pool: pg.Pool,
  actor: Actor,
  select: { ids: readonly number[] } | { batchId: number },
  opts: { correction?: RawCorrection; clock: Clock },
): Promise<ReprocessOutcome> {
  const before: RefusedRow[] = [];
  if ('ids' in select) {
    for (const id of select.ids) {
      const row = await findRefusedRow(pool, id);
      if (!row) throw new NotFoundError(`no refused row ${id}`);
      if (row.status !== 'open') throw new ConflictError(`refused row ${id} is already ${row.status}`);
      before.push(row);
    }
  }
  const results = await reprocessInIngest(
    pool,
    'ids' in select ? { ids: select.ids } : { batchId: select.batchId },
    {
      clock: opts.clock,
      by: actor.name,
      ...(opts.correction ? { patch: opts.correction } : {}),
    },
  );
  const batchIds = results.map((r) => r.batchId);
  const still = await refusedAgain(pool, batchIds);
  const retried = await pool.query<{
    id: number;
    raw: unknown;
    reason_code: string;
    resolved_batch_id: number;
  }>(
    `SELECT id, raw, reason_code, resolved_batch_id FROM refused_row WHERE resolved_batch_id = ANY ($1::bigint[]) ORDER BY id`,
    [batchIds],
  );
  const stillByOrigin = new Map(still.map((s) => [s.retryOf, s]));
  // One audit entry per retried row, in one transaction after the engine's batch committed.
  await withTransaction(pool, async (tx) => {
    for (const r of retried.rows) {
      const again = stillByOrigin.get(r.id);
      await writeAudit(tx, actor, {
        action: 'refused_row.reprocess',
        entityType: 'refused_row',
        entityId: r.id,
        before: { status: 'open', raw: r.raw, reasonCode: r.reason_code },
        after: {
          status: 'reprocessed',
          batchId: r.resolved_batch_id,
          correction: opts.correction ?? null,
          refusedAgainAs: again?.id ?? null,
          reasonCode: again?.reasonCode ?? null,
        },
      });
    }
  });
  return {
    batchIds,
    reprocessed: retried.rows.filter((r) => !stillByOrigin.has(r.id)).map((r) => r.id),
    stillRefused: still,
  };
}

export async function discardRefusedRow(
  pool: pg.Pool,
  actor: Actor,
  id: number,
  reason: string,
): Promise<RefusedRow> {
  return withTransaction(pool, async (tx) => {
    const row = await findRefusedRow(tx, id, { forUpdate: true });
    if (!row) throw new NotFoundError(`no refused row ${id}`);
    if (row.status !== 'open') throw new ConflictError(`refused row ${id} is already ${row.status}`);
    await discardRefusedRows(tx, [id], actor.name);
    const after = (await findRefusedRow(tx, id))!;
    await writeAudit(tx, actor, {
      action: 'refused_row.discard',
      entityType: 'refused_row',
      entityId: id,
      before: { status: row.status },
      after: { status: after.status, reason },
    });
    return after;
  });
}
