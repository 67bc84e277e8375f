/** Delivery rows and their attempts: one named function per statement. */
import type { Queryable } from '../db/queryable.js';

export type DeliveryStatus =
  'pending' | 'deferred' | 'sending' | 'sent' | 'failed' | 'cancelled' | 'digested' | 'unknown';
export type AttemptOutcome =
  'sent' | 'temporary_failure' | 'permanent_failure' | 'interrupted' | 'suppressed';

export interface DeliveryRow {
  id: number;
  alert_id: number | null;
  recipient_id: string;
  recipient_role: string;
  channel: 'email' | 'sms';
  address: string;
  locale: 'zh-CN' | 'en';
  step: string;
  mode: 'immediate' | 'digest' | 'group';
  idempotency_key: string;
  status: DeliveryStatus;
  not_before: Date;
  lease_until: Date | null;
  attempts: number;
  enqueued: number;
  message_id: string | null;
  provider_message_id: string | null;
  last_error: string | null;
  fallback_of: number | null;
  digest_id: number | null;
  created_at: Date;
}

/** The idempotency key of a delivery: alert × recipient × channel × step ('digest' for alert-less ones). */
export function deliveryKey(
  alertId: number | null,
  recipientId: string,
  channel: string,
  step: string,
): string {
  return `${alertId ?? 'digest'}|${recipientId}|${channel}|${step}`;
}

// The send-delivery message (name, queue, job id) is the outbox catalogue's; re-exported for notify's callers.
export { sendDeliveryOutbox } from '../outbox/messages.js';

export async function getDelivery(db: Queryable, id: number): Promise<DeliveryRow | null> {
  const { rows } = await db.query<DeliveryRow>(`SELECT * FROM delivery WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** The claim: 'sending' until `leaseUntil`; the Message-ID/OutId is fixed at the first claim and reused. */
export async function markSending(
  db: Queryable,
  id: number,
  c: { leaseUntil: Date; messageId: string; at: Date },
): Promise<DeliveryRow> {
  const { rows } = await db.query<DeliveryRow>(
    `UPDATE delivery SET status = 'sending', lease_until = $2, attempts = attempts + 1,
            message_id = coalesce(message_id, $3), updated_at = $4
      WHERE id = $1 RETURNING *`,
    [id, c.leaseUntil, c.messageId, c.at],
  );
  return rows[0]!;
}

/**
 * The claim as one atomic statement (no transaction needed): only a row still 'pending' is taken, and the
 * attempt row — the evidence a crash leaves behind — is written with it. Null when someone else took it,
 * or it was cancelled, in between.
 */
export async function claimPending(
  db: Queryable,
  id: number,
  c: { leaseUntil: Date; messageId: string; at: Date },
): Promise<DeliveryRow | null> {
  const { rows } = await db.query<DeliveryRow>(
    `WITH c AS (
       UPDATE delivery SET status = 'sending', lease_until = $2, attempts = attempts + 1,
              message_id = coalesce(message_id, $3), updated_at = $4
        WHERE id = $1 AND status = 'pending' RETURNING *
     ), a AS (
       INSERT INTO delivery_attempt (delivery_id, attempt_no, at) SELECT id, attempts, $4 FROM c
     )
     SELECT * FROM c`,
    [id, c.leaseUntil, c.messageId, c.at],
  );
  return rows[0] ?? null;
}

/** Accepted: the delivery and its attempt (with the provider's id), in one statement on the hot path. */
export async function recordAccepted(
  db: Queryable,
  d: { id: number; attemptNo: number; providerMessageId: string; response: string; at: Date },
): Promise<void> {
  await db.query(
    `WITH s AS (
       UPDATE delivery SET status = 'sent', sent_at = $3, provider_message_id = $2, lease_until = NULL,
              last_error = NULL, last_error_code = NULL, updated_at = $3
        WHERE id = $1 RETURNING id
     )
     INSERT INTO delivery_attempt (delivery_id, attempt_no, at, finished_at, outcome, response, provider_message_id)
     VALUES ($1, $4, $3, $3, 'sent', $5, $2)
     ON CONFLICT (delivery_id, attempt_no) DO UPDATE
       SET finished_at = $3, outcome = 'sent', response_code = NULL, response = $5, provider_message_id = $2`,
    [d.id, d.providerMessageId, d.at, d.attemptNo, d.response.slice(0, 2000)],
  );
}

/** The items (alert ids) a digest gathered, in no particular order (the message source orders them). */
export async function digestItemIds(db: Queryable, digestId: number): Promise<number[]> {
  const { rows } = await db.query<{ alert_id: number }>(
    `SELECT alert_id FROM delivery WHERE digest_id = $1 AND alert_id IS NOT NULL`,
    [digestId],
  );
  return rows.map((r) => r.alert_id);
}

export async function insertAttempt(
  db: Queryable,
  a: { deliveryId: number; attemptNo: number; at: Date },
): Promise<void> {
  await db.query(`INSERT INTO delivery_attempt (delivery_id, attempt_no, at) VALUES ($1, $2, $3)`, [
    a.deliveryId,
    a.attemptNo,
    a.at,
  ]);
}

/** E-mail evidence: every byte is with the server, the terminating "." is next (email-channel.ts). */
export async function markDataSent(
  db: Queryable,
  deliveryId: number,
  attemptNo: number,
  at: Date,
): Promise<void> {
  await db.query(`UPDATE delivery_attempt SET data_sent_at = $3 WHERE delivery_id = $1 AND attempt_no = $2`, [
    deliveryId,
    attemptNo,
    at,
  ]);
}

export async function finishAttempt(
  db: Queryable,
  a: {
    deliveryId: number;
    attemptNo: number;
    outcome: AttemptOutcome;
    code: string | null;
    response: string | null;
    providerMessageId: string | null;
    at: Date;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO delivery_attempt (delivery_id, attempt_no, at, finished_at, outcome, response_code, response, provider_message_id)
     VALUES ($1, $2, $7, $7, $3, $4, $5, $6)
     ON CONFLICT (delivery_id, attempt_no) DO UPDATE
       SET finished_at = $7, outcome = $3, response_code = $4, response = $5, provider_message_id = $6`,
    [
      a.deliveryId,
      a.attemptNo,
      a.outcome,
      a.code,
      a.response?.slice(0, 2000) ?? null,
      a.providerMessageId,
      a.at,
    ],
  );
}

/** A temporary failure: wait until `notBefore`; the sweep puts it back on the queue then. */
export async function markRetry(
  db: Queryable,
  id: number,
  r: { notBefore: Date; error: string; code: string | null; at: Date },
): Promise<void> {
  await db.query(
    `UPDATE delivery SET status = 'deferred', not_before = $2, lease_until = NULL, last_error = $3,
            last_error_code = $4, updated_at = $5
      WHERE id = $1`,
    [id, r.notBefore, r.error.slice(0, 2000), r.code, r.at],
  );
}

export async function markFinal(
  db: Queryable,
  id: number,
  f: { status: 'failed' | 'cancelled' | 'unknown'; error: string; code: string | null; at: Date },
): Promise<void> {
  await db.query(
    `UPDATE delivery SET status = $2, lease_until = NULL, last_error = $3, last_error_code = $4, updated_at = $5
      WHERE id = $1`,
    [id, f.status, f.error.slice(0, 2000), f.code, f.at],
  );
}

/** A pending delivery that should not go (yet): deferred to its not_before, or cancelled. Conditional on 'pending'. */
export async function setasideIfPending(
  db: Queryable,
  id: number,
  s: { status: 'deferred' | 'cancelled'; reason: string | null; at: Date },
): Promise<void> {
  await db.query(
    `UPDATE delivery SET status = $2, last_error = coalesce($3, last_error), updated_at = $4 WHERE id = $1 AND status = 'pending'`,
    [id, s.status, s.reason, s.at],
  );
}

/** SMS sent (or in flight) to one number in the Shanghai day [dayStart, dayEnd). */
export async function countSmsForDay(
  db: Queryable,
  address: string,
  dayStart: Date,
  dayEnd: Date,
): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM delivery
      WHERE channel = 'sms' AND address = $1
        AND ((status = 'sent' AND sent_at >= $2 AND sent_at < $3) OR status = 'sending')`,
    [address, dayStart, dayEnd],
  );
  return rows[0]!.n;
}

/** Serialises cap checks for one phone number (two workers must not both send the 50th message). */
export async function lockAddress(db: Queryable, address: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('envwatch:sms-cap:' || $1))`, [address]);
}

/** Deferred deliveries whose time has come: back to 'pending' with a fresh job id. */
export async function releaseDueDeferred(
  db: Queryable,
  now: Date,
  limit: number,
): Promise<{ id: number; enqueued: number }[]> {
  const { rows } = await db.query<{ id: number; enqueued: number }>(
    `UPDATE delivery d SET status = 'pending', enqueued = d.enqueued + 1, updated_at = $1
       FROM (SELECT id FROM delivery WHERE status = 'deferred' AND not_before <= $1
              ORDER BY not_before LIMIT $2 FOR UPDATE SKIP LOCKED) due
      WHERE d.id = due.id
      RETURNING d.id, d.enqueued`,
    [now, limit],
  );
  return rows;
}

/** Claims whose lease ran out: the worker holding them died (SIGKILL, OOM, lost host). With the evidence. */
export async function lockExpiredLeases(
  db: Queryable,
  now: Date,
  limit: number,
): Promise<(DeliveryRow & { data_sent_at: Date | null })[]> {
  const { rows } = await db.query<DeliveryRow & { data_sent_at: Date | null }>(
    `SELECT d.*, a.data_sent_at FROM delivery d
       LEFT JOIN delivery_attempt a ON a.delivery_id = d.id AND a.attempt_no = d.attempts
      WHERE d.status = 'sending' AND d.lease_until < $1
      ORDER BY d.lease_until LIMIT $2 FOR UPDATE OF d SKIP LOCKED`,
    [now, limit],
  );
  return rows;
}

export async function requeueDelivery(db: Queryable, id: number, at: Date): Promise<number> {
  const { rows } = await db.query<{ enqueued: number }>(
    `UPDATE delivery SET status = 'pending', lease_until = NULL, enqueued = enqueued + 1, updated_at = $2
      WHERE id = $1 RETURNING enqueued`,
    [id, at],
  );
  return rows[0]!.enqueued;
}

/**
 * After an acknowledgement or resolution: messages not yet on their way are dropped, group items too (a
 * group head left with nothing is cancelled at its claim); digest items stay — the digest shows the
 * alert's current state. A delivery being sent right now finishes.
 */
export async function cancelUnsentDeliveries(
  db: Queryable,
  alertId: number,
  reason: string,
  at: Date,
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE delivery SET status = 'cancelled', last_error = $2, updated_at = $3
      WHERE alert_id = $1 AND status IN ('pending', 'deferred') AND mode IN ('immediate', 'group')`,
    [alertId, reason, at],
  );
  return rowCount ?? 0;
}

/** Is there already a live or sent delivery on `channel` for this recipient and step (no fallback needed)? */
export async function hasDeliveryOnChannel(
  db: Queryable,
  d: { alertId: number | null; recipientId: string; channel: string; step: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM delivery
      WHERE recipient_id = $1 AND channel = $2 AND step = $3 AND alert_id IS NOT DISTINCT FROM $4
        AND status IN ('pending', 'deferred', 'sending', 'sent')`,
    [d.recipientId, d.channel, d.step, d.alertId],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Who was told an alert fired, as the planner's recipients: every person with an accepted delivery of it
 * (sent by itself, or as an item of a digest or group message that was sent), with the addresses used.
 */
export async function toldRecipients(
  db: Queryable,
  alertId: number,
): Promise<
  { contactId: string; role: string; email: string | null; mobile: string | null; locale: 'zh-CN' | 'en' }[]
> {
  const { rows } = await db.query<{
    recipient_id: string;
    role: string;
    email: string | null;
    mobile: string | null;
    locale: 'zh-CN' | 'en';
  }>(
    `SELECT d.recipient_id, min(d.recipient_role) AS role, min(d.locale) AS locale,
            max(d.address) FILTER (WHERE d.channel = 'email') AS email,
            max(d.address) FILTER (WHERE d.channel = 'sms') AS mobile
       FROM delivery d LEFT JOIN delivery g ON g.id = d.digest_id
      WHERE d.alert_id = $1 AND d.step NOT LIKE 'resolved:%'
        AND (d.status = 'sent' OR (d.status = 'digested' AND g.status = 'sent'))
      GROUP BY d.recipient_id ORDER BY d.recipient_id`,
    [alertId],
  );
  return rows.map((r) => ({
    contactId: r.recipient_id,
    role: r.role,
    email: r.email,
    mobile: r.mobile,
    locale: r.locale,
  }));
}

/**
 * Pending immediate deliveries untouched since `before` whose current job has no outbox row still waiting to be
 * relayed: their job should be in the queue, and requeueLostDeliveries checks that it is.
 */
export async function listPendingSince(
  db: Queryable,
  before: Date,
  limit: number,
): Promise<{ id: number; enqueued: number }[]> {
  const { rows } = await db.query<{ id: number; enqueued: number }>(
    `SELECT d.id, d.enqueued FROM delivery d
      WHERE d.status = 'pending' AND d.mode = 'immediate' AND d.updated_at <= $1
        AND NOT EXISTS (SELECT 1 FROM outbox o
                         WHERE o.relayed_at IS NULL AND o.job_id = 'delivery__' || d.id || '__' || d.enqueued)
      ORDER BY d.updated_at LIMIT $2`,
    [before, limit],
  );
  return rows;
}

/** A fresh job id for a delivery still pending at the same enqueue count (nobody re-queued it meanwhile). */
export async function bumpPendingEnqueued(
  db: Queryable,
  id: number,
  enqueued: number,
  at: Date,
): Promise<number | null> {
  const { rows } = await db.query<{ enqueued: number }>(
    `UPDATE delivery SET enqueued = enqueued + 1, updated_at = $3
      WHERE id = $1 AND status = 'pending' AND enqueued = $2 RETURNING enqueued`,
    [id, enqueued, at],
  );
  return rows[0]?.enqueued ?? null;
}
