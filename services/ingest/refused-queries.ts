/** Refused rows: kept with their raw content and reason, listed, re-processed or discarded. */
import type { Queryable } from '../db/queryable.js';
import type { RecordKindId } from './record-kind.js';
import { ingestLimits } from './limits.js';
import { storableJson, storableText } from './safe-text.js';

export interface RefusedRowInput {
  rowNumber: number | null;
  raw: unknown;
  reasonCode: string;
  reasonDetail: string;
  retryOf?: number | null;
}

export async function insertRefusedRows(
  db: Queryable,
  batchId: number,
  sourceId: string,
  recordKind: RecordKindId,
  rows: readonly RefusedRowInput[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO refused_row (batch_id, source_id, record_kind, row_number, raw, reason_code, reason_detail, retry_of)
     SELECT $1, $2, $3, n, r, c, d, p
       FROM unnest($4::int[], $5::jsonb[], $6::text[], $7::text[], $8::bigint[]) AS t(n, r, c, d, p)`,
    [
      batchId,
      sourceId,
      recordKind,
      rows.map((r) => r.rowNumber),
      rows.map((r) => JSON.stringify(storableJson(r.raw, ingestLimits().maxFieldChars))),
      rows.map((r) => r.reasonCode),
      rows.map((r) => storableText(r.reasonDetail)),
      rows.map((r) => r.retryOf ?? null),
    ],
  );
}

/** Closes the rows a re-processing batch retried, whatever the outcome (a new refusal points back here). */
export async function markRefusedRowsRetried(
  db: Queryable,
  ids: readonly number[],
  batchId: number,
  by: string,
): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `UPDATE refused_row SET status = 'reprocessed', resolved_at = now(), resolved_by = $3, resolved_batch_id = $2
      WHERE id = ANY ($1::bigint[]) AND status = 'open'`,
    [ids, batchId, by],
  );
}

export async function discardRefusedRows(db: Queryable, ids: readonly number[], by: string): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE refused_row SET status = 'discarded', resolved_at = now(), resolved_by = $2
      WHERE id = ANY ($1::bigint[]) AND status = 'open'`,
    [ids, by],
  );
  return rowCount ?? 0;
}

export interface RefusedRowFilter {
  ids?: readonly number[];
  sourceId?: string;
  batchId?: number;
  reasonCode?: string;
  status?: 'open' | 'reprocessed' | 'discarded';
  limit?: number;
  afterId?: number;
}

export interface RefusedRow {
  id: number;
  batch_id: number;
  source_id: string;
  record_kind: RecordKindId;
  row_number: number | null;
  raw: unknown;
  reason_code: string;
  reason_detail: string;
  status: 'open' | 'reprocessed' | 'discarded';
  retry_of: number | null;
  created_at: Date;
}

/** Filtered listing in id order; page with `afterId`. */
export async function listRefusedRows(db: Queryable, f: RefusedRowFilter): Promise<RefusedRow[]> {
  const { rows } = await db.query<RefusedRow>(
    `SELECT id, batch_id, source_id, record_kind, row_number, raw, reason_code, reason_detail, status, retry_of,
            created_at
       FROM refused_row
      WHERE ($1::bigint[] IS NULL OR id = ANY ($1))
        AND ($2::text IS NULL OR source_id = $2)
        AND ($3::bigint IS NULL OR batch_id = $3)
        AND ($4::text IS NULL OR reason_code = $4)
        AND ($5::text IS NULL OR status = $5)
        AND id > $6
      ORDER BY id
      LIMIT $7`,
    [
      f.ids ?? null,
      f.sourceId ?? null,
      f.batchId ?? null,
      f.reasonCode ?? null,
      f.status ?? null,
      f.afterId ?? 0,
      f.limit ?? 1000,
    ],
  );
  return rows;
}
