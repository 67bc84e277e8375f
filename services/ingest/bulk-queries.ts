/** The bulk path's writes that stay in ingest: the refused rows (refused_row) of the staged records. */
import type { Queryable } from '../db/queryable.js';

export async function insertStageValidationRefusals(
  db: Queryable,
  batchId: number,
  sourceId: string,
): Promise<void> {
  await db.query(
    `INSERT INTO refused_row (batch_id, source_id, record_kind, row_number, raw, reason_code, reason_detail)
     SELECT $1, $2, 'measurement', row_number, raw, reason_code, reason_detail
       FROM ingest_stage WHERE reason_code IS NOT NULL ORDER BY seq`,
    [batchId, sourceId],
  );
}
