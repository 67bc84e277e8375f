/**
 * Claims whose lease ran out: the worker died between claiming a delivery and recording the answer
 * (SIGKILL, OOM, a lost host). The attempt row is the evidence — started, never finished — and is marked
 * 'interrupted'. What happens next depends on how far the send got (data_sent_at):
 *  - not set: nothing can be at the provider yet (e-mail: the server discards a truncated DATA; SMS: the
 *    request never left). Sent again. Exactly once.
 *  - set (e-mail: the whole message was with the server before the final "."; SMS: the request had left):
 *    the provider may have accepted it in the moment before the worker died, and neither SMTP nor an SMS
 *    provider can be asked (no SMS provider deduplicates a repeated request). The channel's policy decides
 *    (EMAIL_AMBIGUOUS_POLICY, SMS_AMBIGUOUS_POLICY): resend (default) sends it again — never lost, a
 *    duplicate when the provider had accepted it; hold never resends: the delivery becomes 'unknown' and one
 *    operational alert per sweep lists them for a person to check — no duplicate, but lost when the
 *    provider had not accepted it (the crash test shows both windows are real under load).
 * A delivery interrupted DELIVERY_MAX_ATTEMPTS times is failed for good (a message that kills workers).
 * Failed and held deliveries are reported to ctx.outcomes (the planner raises the operational alerts).
 */
import type pg from 'pg';
import { withTransaction } from '../db/queryable.js';
import { writeOutbox } from '../outbox/outbox.js';
import { ChannelError } from './channel-error.js';
import { recordPermanentFailure, type OutcomeContext } from './delivery-outcomes.js';
import {
  finishAttempt,
  lockExpiredLeases,
  markFinal,
  requeueDelivery,
  sendDeliveryOutbox,
  type DeliveryRow,
} from './delivery-queries.js';

const HELD_REASON = {
  email:
    'the worker stopped after handing the whole message to SMTP, before the answer was recorded; not resent (hold)',
  sms: 'the worker stopped after the request went to the SMS provider, before the answer was recorded; not resent (hold)',
} as const;

function policyOf(d: DeliveryRow, ctx: OutcomeContext): 'resend' | 'hold' {
  return d.channel === 'email' ? ctx.settings.emailAmbiguousPolicy : ctx.settings.smsAmbiguousPolicy;
}

export type RecoverResult = {
  resent: number;
  held: number;
  failed: number;
  outboxIds: number[];
};

export async function recoverExpiredLeases(
  db: pg.Pool,
  ctx: OutcomeContext,
  limit = 500,
): Promise<RecoverResult> {
  return withTransaction(db, async (tx) => {
    const result: RecoverResult = { resent: 0, held: 0, failed: 0, outboxIds: [] };
    const held: DeliveryRow[] = [];
    for (const d of await lockExpiredLeases(tx, ctx.now, limit)) {
      await finishAttempt(tx, {
        deliveryId: d.id,
        attemptNo: d.attempts,
        outcome: 'interrupted',
        code: 'lease-expired',
        response: `claim expired at ${d.lease_until?.toISOString()}; ${d.data_sent_at ? 'the message may be with the provider' : 'the message had not reached the provider'}`,
        providerMessageId: null,
        at: ctx.now,
      });
      if (d.attempts >= ctx.settings.maxAttempts) {
        const err = new ChannelError(
          `interrupted ${d.attempts} times`,
          d.channel === 'email' ? 'smtp' : 'sms',
          false,
          'interrupted',
        );
        result.outboxIds.push(...(await recordPermanentFailure(tx, d, err, ctx)));
        result.failed += 1;
      } else if (d.data_sent_at && policyOf(d, ctx) === 'hold') {
        await markFinal(tx, d.id, {
          status: 'unknown',
          error: HELD_REASON[d.channel],
          code: 'ambiguous',
          at: ctx.now,
        });
        held.push(d);
        result.held += 1;
      } else {
        const enqueued = await requeueDelivery(tx, d.id, ctx.now);
        result.outboxIds.push(...(await writeOutbox(tx, [sendDeliveryOutbox(d.id, enqueued)])));
        result.resent += 1;
      }
    }
    if (held.length > 0) result.outboxIds.push(...(await ctx.outcomes.held(tx, held, ctx.now)));
    return result;
  });
}
