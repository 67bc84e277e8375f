/**
 * Recording what a channel answered, in one transaction per answer: the delivery's status, the attempt
 * with the provider's code and message id, and a retry time for a temporary failure. What an accepted or
 * permanently failed delivery means beyond that (an operational alert resolved or raised, the fallback
 * channel) is the planning layer's decision: it is reported to ctx.outcomes inside the same transaction,
 * so neither can be lost.
 */
import type { Queryable } from '../db/queryable.js';
import { errorMessage } from '../errors.js';
import { retryDelayMs } from './backoff.js';
import { ChannelError } from './channel-error.js';
import { finishAttempt, markFinal, markRetry, recordAccepted, type DeliveryRow } from './delivery-queries.js';
import type { DeliveryOutcomes, DeliverySettings } from './message.js';

export interface OutcomeContext {
  now: Date;
  settings: DeliverySettings;
  outcomes: DeliveryOutcomes;
}

/** Accepted: recorded, then reported (a contact reachable again resolves the alert about it). */
export async function recordSent(
  db: Queryable,
  d: DeliveryRow,
  r: { providerMessageId: string; response: string },
  ctx: OutcomeContext,
): Promise<void> {
  await recordAccepted(db, {
    id: d.id,
    attemptNo: d.attempts,
    providerMessageId: r.providerMessageId,
    response: r.response,
    at: ctx.now,
  });
  await ctx.outcomes.sent(db, d, ctx.now);
}

export function responseCodeOf(err: unknown): string | null {
  return err instanceof ChannelError ? err.responseCode : null;
}

/** Temporary: back off and retry, until the attempts run out — then it is permanent after all. */
export async function recordTemporaryFailure(
  db: Queryable,
  d: DeliveryRow,
  err: unknown,
  ctx: OutcomeContext,
): Promise<{ outcome: 'retry' | 'failed'; outboxIds: number[] }> {
  const code = responseCodeOf(err);
  if (d.attempts >= ctx.settings.maxAttempts) {
    const outboxIds = await recordPermanentFailure(db, d, err, ctx, `gave up after ${d.attempts} attempts`);
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

/** Permanent: stop, and report it (the planner tries the other channel, tells the operators). */
export async function recordPermanentFailure(
  db: Queryable,
  d: DeliveryRow,
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
  const account = err instanceof ChannelError && err.account;
  return ctx.outcomes.failed(db, { delivery: d, error: message, code, account }, ctx.now);
}
