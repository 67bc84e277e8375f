/** Re-evaluates the targets whose inputs changed (evaluation_queue), then relays the alert work it caused. */
import { z } from 'zod';
import { evaluatePending } from '../../services/targets/evaluate-pending.js';
import { defineJob } from '../define-job.js';

export const evaluateTargetsJob = defineJob({
  name: 'evaluate-targets',
  queue: 'evaluate',
  schema: z.object({ reason: z.string().default('schedule') }),
  async handle(_payload, ctx) {
    let transitions = 0;
    let evaluations = 0;
    for (;;) {
      const r = await evaluatePending(ctx.db);
      transitions += r.transitions;
      evaluations += r.evaluations;
      if (r.keys === 0 || ctx.signal.aborted) break;
    }
    if (transitions > 0) await ctx.enqueue('relay-outbox', {}, { dedupeId: 'relay-outbox' });
    return { evaluations, transitions };
  },
});
