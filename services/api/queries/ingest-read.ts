/** Ingestion bookkeeping for operators: batches, refused rows, and each source's last run. */
import { oneOrNull, type Queryable, type RowLock } from '../../db/queryable.js';

export interface BatchRow {
  id: number;
  source_id: string;
  adapter: string;
  origin: string | null;
  status: string;
  received: number;
  inserted: number;
  updated: number;
  unchanged: number;
  refused: number;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

const BATCH_COLUMNS = `id, source_id, adapter, origin, status, received, inserted, updated, unchanged, refused, error,
  started_at, finished_at`;

export async function listBatches(
  db: Queryable,
  f: { sourceId: string | null; status: string | null; beforeId: number | null; limit: number },
): Promise<BatchRow[]> {
  const { rows } = await db.query<BatchRow>(
    `SELECT ${BATCH_COLUMNS} FROM ingest_batch
      WHERE ($1::text IS NULL OR source_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::bigint IS NULL OR id < $3)
      ORDER BY id DESC LIMIT $4`,
    [f.sourceId, f.status, f.beforeId, f.limit],
  );
  return rows;
}

export async function findBatch(db: Queryable, id: number): Promise<BatchRow | null> {
  const { rows } = await db.query<BatchRow>(`SELECT ${BATCH_COLUMNS} FROM ingest_batch WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export interface RefusedRow {
  id: number;
  batch_id: number;
  source_id: string;
  record_kind: string;
  row_number: number | null;
  raw: unknown;
  reason_code: string;
  reason_detail: string;
  status: 'open' | 'reprocessed' | 'discarded';
  resolved_at: Date | null;
  resolved_by: string | null;
  resolved_batch_id: number | null;
  retry_of: number | null;
  created_at: Date;
}

const REFUSED_COLUMNS = `id, batch_id, source_id, record_kind, row_number, raw, reason_code, reason_detail, status, resolved_at,
  resolved_by, resolved_batch_id, retry_of, created_at`;

export async function listRefusedRows(
  db: Queryable,
  f: {
    status: string | null;
    sourceId: string | null;
    batchId: number | null;
    reasonCode: string | null;
    beforeId: number | null;
    limit: number;
  },
): Promise<RefusedRow[]> {
  const { rows } = await db.query<RefusedRow>(
    `SELECT ${REFUSED_COLUMNS} FROM refused_row
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR source_id = $2)
        AND ($3::bigint IS NULL OR batch_id = $3) AND ($4::text IS NULL OR reason_code = $4)
        AND ($5::bigint IS NULL OR id < $5)
      ORDER BY id DESC LIMIT $6`,
    [f.status, f.sourceId, f.batchId, f.reasonCode, f.beforeId, f.limit],
  );
  return rows;
}

export function findRefusedRow(db: Queryable, id: number, opts: RowLock = {}): Promise<RefusedRow | null> {
  return oneOrNull<RefusedRow>(
    db,
    `SELECT ${REFUSED_COLUMNS} FROM refused_row WHERE id = $1 ${opts.forUpdate ? 'FOR UPDATE' : ''}`,
    [id],
  );
}

export interface SourceRow {
  source_id: string;
  last_success_at: Date | null;
  last_data_at: Date | null;
  last_batch_id: number | null;
  last_error: string | null;
  last_error_at: Date | null;
  stale_since: Date | null;
  open_refused: number;
  last_batch_status: string | null;
  last_batch_received: number | null;
  last_batch_refused: number | null;
}

/** Every source seen in batches or source_status, with its last run and the refused rows still open. */
export async function listSources(db: Queryable): Promise<SourceRow[]> {
  const { rows } = await db.query<SourceRow>(
    `WITH ids AS (SELECT source_id FROM source_status UNION SELECT DISTINCT source_id FROM ingest_batch),
          last AS (SELECT DISTINCT ON (source_id) source_id, status, received, refused FROM ingest_batch
                    ORDER BY source_id, id DESC)
     SELECT ids.source_id, ss.last_success_at, ss.last_data_at, ss.last_batch_id, ss.last_error, ss.last_error_at,
            ss.stale_since,
            (SELECT count(*)::int FROM refused_row r WHERE r.source_id = ids.source_id AND r.status = 'open') AS open_refused,
            last.status AS last_batch_status, last.received AS last_batch_received, last.refused AS last_batch_refused
       FROM ids LEFT JOIN source_status ss USING (source_id) LEFT JOIN last USING (source_id)
      ORDER BY ids.source_id`,
  );
  return rows;
}
