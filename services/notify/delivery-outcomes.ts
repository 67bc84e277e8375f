/**
 * Recording what a channel answered, in one transaction per answer: the delivery's status, the attempt
 * with the provider's code and message id, and the consequences — a retry time for a temporary failure;
 * for a permanent one the fallback channel and an operational alert, written with the failure so neither
 * can be lost.
 */
import type { AlertRow } from '../alerts/alert-queries.js';
import type { AlertSettings } from '../alerts/alert-settings.js';
import { deliveryFailureKey, raiseDeliveryFailure } from '../alerts/operational-alerts.js';
import type { RecipientRole } from '../alerts/routing.js';
import { getContact } from '../alerts/routing-queries.js';
import type { Queryable } from '../db/queryable.js';
import { errorMessage } from '../errors.js';
import { clockWindowFromTimes } from './quiet-hours.js';
import { retryDelayMs } from './backoff.js';
import { ChannelError } from './channel-error.js';
import {
  finishAttempt,
  hasDeliveryOnChannel,
  markFinal,
  markRetry,
  recordAccepted,
  type DeliveryRow,
} from './delivery-queries.js';
import { planDeliveries } from './plan-deliveries.js';

export interface OutcomeContext {
  now: Date;
  settings: AlertSettings;
  smsEnabled: boolean;
}

/** Accepted — and a contact that could not be reached before can be now: that operational alert resolves. */
export async function recordSent(
  db: Queryable,
  d: DeliveryRow,
  r: { providerMessageId: string; response: string },
  now: Date,
): Promise<void> {
  await recordAccepted(db, {
    id: d.id,
    attemptNo: d.attempts,
    providerMessageId: r.providerMessageId,
    response: r.response,
    opsKey: deliveryFailureKey(d.recipient_id, d.channel),
    at: now,
  });
}

export function responseCodeOf(err: unknown): string | null {
  return err instanceof ChannelError ? err.responseCode : null;
}

/** Temporary: back off and retry, until the attempts run out — then it is permanent after all. */
export async function recordTemporaryFailure(
  db: Queryable,
  d: DeliveryRow,
  alert: AlertRow | null,
  err: unknown,
  ctx: OutcomeContext,
): Promise<{ outcome: 'retry' | 'failed'; outboxIds: number[] }> {
  const code = responseCodeOf(err);
  if (d.attempts >= ctx.settings.maxAttempts) {
    const outboxIds = await recordPermanentFailure(
      db,
      d,
      alert,
      err,
      ctx,
      `gave up after ${d.attempts} attempts`,
    );
    return { outcome: 'failed', outboxIds };
  }
  const notBefore = new Date(
    ctx.now.getTime() + retryDelayMs(d.attempts, ctx.settings.retryBaseMs, ctx.settings.retryMaxMs),
  );
  await markRetry(db, d.id, { notBefore, error: errorMessage(err), code, at: ctx.now });
  await finishAttempt(db, {
    deliveryId: d.id,
    attemptNo: d.attempts,
    outcome: 'temporary_failure',
    code,
    response: errorMessage(err),
    providerMessageId: null,
    at: ctx.now,
  });
  return { outcome: 'retry', outboxIds: [] };
}

/** Permanent: stop, try the other channel, tell the operators. Returns outbox ids to relay. */
export async function recordPermanentFailure(
  db: Queryable,
  d: DeliveryRow,
  alert: AlertRow | null,
  err: unknown,
  ctx: OutcomeContext,
  note?: string,
): Promise<number[]> {
  const code = responseCodeOf(err);
  const message = note ? `${errorMessage(err)} (${note})` : errorMessage(err);
  await markFinal(db, d.id, { status: 'failed', error: message, code, at: ctx.now });
  if (d.attempts > 0) {
    await finishAttempt(db, {
      deliveryId: d.id,
      attemptNo: d.attempts,
      outcome: 'permanent_failure',
      code,
      response: message,
      providerMessageId: null,
      at: ctx.now,
    });
  }
  const fallback = await planFallback(db, d, alert, ctx);
  if (alert?.kind === 'operational') return fallback.outboxIds; // never an alert about an alert about a failure
  const ops = await raiseDeliveryFailure(
    db,
    {
      recipientId: d.recipient_id,
      channel: d.channel,
      address: d.address,
      error: message,
      code,
      fallback: fallback.channel,
      alertTitleZh: alert?.title_zh ?? null,
    },
    ctx,
  );
  return [...fallback.outboxIds, ...ops.outboxIds];
}

async function planFallback(
  db: Queryable,
  d: DeliveryRow,
  alert: AlertRow | null,
  ctx: OutcomeContext,
): Promise<{ channel: 'email' | 'sms' | null; outboxIds: number[] }> {
  if (d.step.endsWith('~fallback')) return { channel: null, outboxIds: [] };
  const other = d.channel === 'email' ? 'sms' : 'email';
  // Already reached on the other channel for the same occasion (a main unit gets e-mail and SMS): done.
  if (
    await hasDeliveryOnChannel(db, {
      alertId: d.alert_id,
      recipientId: d.recipient_id,
      channel: other,
      step: d.step,
    })
  ) {
    return { channel: other, outboxIds: [] };
  }
  const contact = await getContact(db, d.recipient_id);
  const address = other === 'email' ? contact?.email : contact?.mobile;
  if (!contact || !address || (other === 'sms' && !ctx.smsEnabled)) return { channel: null, outboxIds: [] };
  const planned = await planDeliveries(
    db,
    {
      alertId: d.alert_id,
      step: `${d.step}~fallback`,
      recipients: [
        {
          contactId: contact.id,
          role: d.recipient_role as RecipientRole,
          email: other === 'email' ? address : null,
          mobile: other === 'sms' ? address : null,
          locale: d.locale,
          quiet: clockWindowFromTimes(contact.quiet_from, contact.quiet_to),
        },
      ],
      urgent: alert?.urgent ?? false,
      digest: false,
      smsRoles: new Set([d.recipient_role as RecipientRole]),
      fallbackOf: d.id,
    },
    { now: ctx.now, smsEnabled: ctx.smsEnabled, workingHours: ctx.settings.smsWorkingHours },
  );
  return { channel: other, outboxIds: planned.outboxIds };
}
