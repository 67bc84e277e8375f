/** Moves outbox rows to their queues (deterministic job ids make a repeated relay harmless). */
import { z } from 'zod';
import { relayOutbox } from '../../services/outbox/outbox.js';
import { defineJob } from '../define-job.js';

export const relayOutboxJob = defineJob({
  name: 'relay-outbox',
  queue: 'alerts',
  schema: z.object({}),
  async handle(_payload, ctx) {
    let total = 0;
    for (let n = await relayOutbox(ctx.db, ctx.queues); n > 0; n = await relayOutbox(ctx.db, ctx.queues)) total += n;
    return { relayed: total };
  },
});
