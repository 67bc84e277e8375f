/**
 * report_delivery: one row per (report, recipient), inserted before anything is sent and claimed with a
 * lease, so a job that runs twice (BullMQ is at-least-once) sends each message once.
 */
import type { Queryable } from '../../db/queryable.js';
import type { ReportLocale } from '../report-types.js';

/** A claim older than this is a worker that died mid-send: the row may be claimed again. */
export const DELIVERY_LEASE = '15 minutes';

export async function ensureDeliveryRow(
  db: Queryable,
  reportId: number,
  recipient: string,
  locale: ReportLocale,
): Promise<void> {
  await db.query(
    `INSERT INTO report_delivery (report_id, recipient, locale) VALUES ($1, $2, $3)
     ON CONFLICT (report_id, recipient) DO NOTHING`,
    [reportId, recipient, locale],
  );
}

/** Takes the row for sending; null when it is sent, failed for good, or held by a live claim. */
export async function claimDelivery(
  db: Queryable,
  reportId: number,
  recipient: string,
): Promise<{ id: number; attempts: number } | null> {
  const { rows } = await db.query<{ id: number; attempts: number }>(
    `UPDATE report_delivery SET status = 'sending', claimed_at = now(), attempts = attempts + 1
      WHERE report_id = $1 AND recipient = $2
        AND (status = 'pending' OR (status = 'sending' AND claimed_at < now() - $3::interval))
      RETURNING id, attempts`,
    [reportId, recipient, DELIVERY_LEASE],
  );
  return rows[0] ?? null;
}

export async function markDeliverySent(db: Queryable, id: number, providerMessageId: string): Promise<void> {
  await db.query(
    `UPDATE report_delivery SET status = 'sent', sent_at = now(), provider_message_id = $2, last_error = NULL WHERE id = $1`,
    [id, providerMessageId],
  );
}

/** A temporary failure goes back to pending (the job retries); a permanent one is final. */
export async function markDeliveryFailed(
  db: Queryable,
  id: number,
  error: string,
  temporary: boolean,
): Promise<void> {
  await db.query(`UPDATE report_delivery SET status = $2, last_error = $3, claimed_at = NULL WHERE id = $1`, [
    id,
    temporary ? 'pending' : 'failed',
    error,
  ]);
}

export async function countUnsentDeliveries(db: Queryable, reportId: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM report_delivery WHERE report_id = $1 AND status <> 'sent'`,
    [reportId],
  );
  return rows[0]!.n;
}

export interface RecipientRow {
  email: string;
  locale: ReportLocale;
}

/**
 * Contacts on a district's report distribution list for a year: an e-mail address, a role naming the
 * bulletin (简报, 月报, 通报 or "bulletin"), valid that year, and a unit of that district (or no unit:
 * district leadership). The directory is versioned by year because officials rotate.
 */
export async function readReportContacts(
  db: Queryable,
  districtId: string,
  year: number,
): Promise<RecipientRow[]> {
  const { rows } = await db.query<RecipientRow>(
    `SELECT DISTINCT lower(c.email) AS email, c.locale
       FROM contact c
       LEFT JOIN unit u ON u.id = c.unit_id
      WHERE c.email IS NOT NULL
        AND c.role ~* '(简报|月报|通报|bulletin)'
        AND c.year_from <= $2 AND (c.year_to IS NULL OR c.year_to >= $2)
        AND (c.unit_id IS NULL OR u.district_id IS NULL OR u.district_id = $1)
      ORDER BY 1`,
    [districtId, year],
  );
  return rows;
}
