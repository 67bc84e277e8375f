/**
 * Every few minutes: asks the SMS provider for the delivery reports of recently accepted messages
 * (services/notify/poll-receipts.ts) and relays what an undelivered one caused (the fallback e-mail, the
 * operators' alert).
 */
import { z } from 'zod';
import { alertDeps } from '../../services/alerts/alert-deps.js';
import { pollSmsReceipts } from '../../services/notify/poll-receipts.js';
import { relayAll } from '../../services/outbox/outbox.js';
import { HOUR } from '../../services/time/shanghai.js';
import { defineJob } from '../define-job.js';

export const pollSmsReceiptsJob = defineJob({
  name: 'poll-sms-receipts',
  queue: 'deliveries',
  schema: z.object({ tick: z.string().optional() }),
  async handle(_payload, ctx) {
    const deps = alertDeps(ctx);
    const r = await pollSmsReceipts(
      { db: ctx.db, clock: ctx.clock, sms: ctx.channels.sms, outcomes: deps.outcomes, logger: ctx.logger },
      { windowMs: ctx.config.SMS_RECEIPT_WINDOW_HOURS * HOUR },
    );
    if (r.outboxIds.length > 0) await relayAll(ctx.db, ctx.queues, { ids: r.outboxIds });
    return { asked: r.asked, delivered: r.delivered, failed: r.failed };
  },
});
