/**
 * Claims whose lease ran out: the worker died between claiming a delivery and recording the answer
 * (SIGKILL, OOM, a lost host). The attempt row is the evidence — started, never finished — and is marked
 * 'interrupted'. What happens next depends on what the channel can promise:
 *  - SMS: send again with the same OutId; if the first request did reach the gateway, the gateway drops
 *    the repeat and answers with the original BizId. Exactly once at the gateway.
 *  - e-mail, whole message not yet with the server (no data_sent_at): the server discarded the truncated
 *    DATA, so it is sent again. Exactly once.
 *  - e-mail, whole message with the server (data_sent_at set): the server may have accepted it in the
 *    moment before the worker died, and SMTP cannot be asked. EMAIL_AMBIGUOUS_POLICY=resend (default) sends
 *    it again with the same Message-ID: never lost, a duplicate when the server had accepted it (mailboxes
 *    that honour Message-ID show one). hold never resends: the delivery becomes 'unknown' and one
 *    operational alert per sweep lists them for a person to check — no duplicate, but lost when the server
 *    had not yet taken the final "." (the crash test shows both windows are real under load).
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
        response: `claim expired at ${d.lease_until?.toISOString()}; ${d.data_sent_at ? 'the whole message was with the server' : 'the message was not complete at the server'}`,
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
      } else if (d.channel === 'email' && d.data_sent_at && ctx.settings.emailAmbiguousPolicy === 'hold') {
        await markFinal(tx, d.id, {
          status: 'unknown',
          error:
            'the worker stopped after handing the whole message to SMTP, before the answer was recorded; not resent (hold)',
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
