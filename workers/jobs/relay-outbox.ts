/**
 * Moves outbox rows to their queues (deterministic job ids make a repeated relay harmless). The LISTEN
 * loop of the worker host does this as rows are committed; this job is the cron safety net and what
 * writers without a listener enqueue.
 */
import { relayOutboxMessage } from '../../services/outbox/messages.js';
import { relayAll } from '../../services/outbox/outbox.js';
import { defineJob } from '../define-job.js';

export const relayOutboxJob = defineJob({
  ...relayOutboxMessage,
  async handle(_payload, ctx) {
    return { relayed: await relayAll(ctx.db, ctx.queues) };
  },
});
