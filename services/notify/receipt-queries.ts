/** SMS delivery reports on the delivery row: one named function per statement. */
import type { Queryable } from '../db/queryable.js';
import type { DeliveryRow } from './delivery-queries.js';

export interface AwaitingReceipt {
  id: number;
  address: string;
  provider_message_id: string;
  sent_at: Date;
}

/** Accepted SMS still without a report, sent after `since`; the least recently checked first. */
export async function listAwaitingReceipt(
  db: Queryable,
  since: Date,
  limit: number,
): Promise<AwaitingReceipt[]> {
  const { rows } = await db.query<AwaitingReceipt>(
    `SELECT id, address, provider_message_id, sent_at FROM delivery
      WHERE channel = 'sms' AND status = 'sent' AND receipt_status IS NULL
        AND provider_message_id IS NOT NULL AND sent_at >= $1
      ORDER BY receipt_checked_at NULLS FIRST, sent_at LIMIT $2`,
    [since, limit],
  );
  return rows;
}

export async function markReceiptChecked(db: Queryable, ids: readonly number[], at: Date): Promise<void> {
  await db.query(`UPDATE delivery SET receipt_checked_at = $2 WHERE id = ANY($1::bigint[])`, [ids, at]);
}

/** Delivered: the delivery stays 'sent'. Null when there is no such SMS awaiting a report (already recorded). */
export async function recordDelivered(
  db: Queryable,
  r: { providerMessageId: string; code: string; receivedAt: Date; at: Date },
): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `UPDATE delivery SET receipt_status = 'delivered', receipt_code = $2, receipt_at = $3, receipt_checked_at = $4,
            updated_at = $4
      WHERE channel = 'sms' AND provider_message_id = $1 AND status = 'sent' AND receipt_status IS NULL
      RETURNING id`,
    [r.providerMessageId, r.code, r.receivedAt, r.at],
  );
  return rows[0]?.id ?? null;
}

/** Not delivered: the delivery becomes 'failed' with the carrier's code. Null when already recorded. */
export async function recordUndelivered(
  db: Queryable,
  r: { providerMessageId: string; code: string; error: string; at: Date },
): Promise<DeliveryRow | null> {
  const { rows } = await db.query<DeliveryRow>(
    `UPDATE delivery SET status = 'failed', receipt_status = 'failed', receipt_code = $2, receipt_at = $4,
            receipt_checked_at = $4, last_error = $3, last_error_code = $2, updated_at = $4
      WHERE channel = 'sms' AND provider_message_id = $1 AND status = 'sent' AND receipt_status IS NULL
      RETURNING *`,
    [r.providerMessageId, r.code, r.error.slice(0, 2000), r.at],
  );
  return rows[0] ?? null;
}
