/** Applies one stored evaluation to alert state (open, update, resolve) and queues its deliveries. */
import { z } from 'zod';
import { syncAlertForEvaluation } from '../../services/alerts/sync-alert.js';
import { defineJob } from '../define-job.js';

export const syncAlertJob = defineJob({
  name: 'sync-alert',
  queue: 'alerts',
  schema: z.object({ evaluationId: z.number().int().positive() }),
  async handle(payload, ctx) {
    const r = await syncAlertForEvaluation(ctx.db, payload.evaluationId);
    if (r.deliveries > 0) await ctx.enqueue('relay-outbox', {}, { dedupeId: 'relay-outbox' });
    return r;
  },
});
