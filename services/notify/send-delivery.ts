/**
 * Sends one delivery exactly once: the row is claimed ('pending' → 'sending') before the send, every
 * attempt is recorded with its outcome, and a delivery already 'sent' is never sent again (BullMQ is
 * at-least-once: a stalled job runs twice).
 */
import type pg from 'pg';
import { ExternalServiceError, errorMessage } from '../errors.js';
import type { EmailChannel } from './email-channel.js';

export type SendOutcome = 'sent' | 'skipped' | 'retry' | 'failed';

export async function sendDelivery(
  pool: pg.Pool,
  deliveryId: number,
  channels: { email: EmailChannel },
): Promise<SendOutcome> {
  const { rows } = await pool.query<{
    id: number;
    channel: string;
    attempts: number;
    idempotency_key: string;
    email: string | null;
    title_zh: string;
    body_zh: string;
  }>(
    `UPDATE delivery d SET status = 'sending', attempts = d.attempts + 1
       FROM alert a, contact c
      WHERE d.id = $1 AND d.status IN ('pending', 'deferred') AND a.id = d.alert_id AND c.id = d.recipient_id
      RETURNING d.id, d.channel, d.attempts, d.idempotency_key, c.email, a.title_zh, a.body_zh`,
    [deliveryId],
  );
  const d = rows[0];
  if (!d) return 'skipped';
  try {
    if (d.channel !== 'email' || !d.email) throw new ExternalServiceError('no e-mail address', 'smtp', false);
    const sent = await channels.email.send({
      to: d.email,
      subject: d.title_zh,
      text: d.body_zh,
      messageId: `<${d.idempotency_key.replace(/\|/g, '.')}@envwatch>`,
    });
    await pool.query(
      `UPDATE delivery SET status = 'sent', sent_at = now(), provider_message_id = $2, last_error = NULL WHERE id = $1`,
      [d.id, sent.providerMessageId],
    );
    await recordAttempt(pool, d.id, d.attempts, 'sent', sent.response, sent.providerMessageId);
    return 'sent';
  } catch (err) {
    const temporary = err instanceof ExternalServiceError ? err.temporary : true;
    await pool.query(`UPDATE delivery SET status = $2, last_error = $3 WHERE id = $1`, [
      d.id,
      temporary ? 'pending' : 'failed',
      errorMessage(err),
    ]);
    await recordAttempt(pool, d.id, d.attempts, temporary ? 'temporary_failure' : 'permanent_failure', errorMessage(err), null);
    if (temporary) throw err;
    return 'failed';
  }
}

async function recordAttempt(
  pool: pg.Pool,
  deliveryId: number,
  attemptNo: number,
  outcome: 'sent' | 'temporary_failure' | 'permanent_failure',
  response: string,
  providerMessageId: string | null,
): Promise<void> {
  await pool.query(
    `INSERT INTO delivery_attempt (delivery_id, attempt_no, outcome, response, provider_message_id)
     VALUES ($1, $2, $3, $4, $5)`,
    [deliveryId, attemptNo, outcome, response.slice(0, 2000), providerMessageId],
  );
}
