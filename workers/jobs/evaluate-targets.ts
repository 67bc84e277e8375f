/**
 * Re-evaluates the targets whose inputs changed (evaluation_queue), or — with `sweep` — every current period
 * of every target, then relays the alert work it caused. Enqueued by refresh-rollups after each batch with a
 * deduplication id; the short delay below is the debounce: batches arriving within it cause one run, and
 * within a run each (target, scope, period) is evaluated once however many keys touched it.
 */
import { evaluateTargetsMessage, relayOutboxRequest } from '../../services/outbox/messages.js';
import { sweepTargets, evaluatePending } from '../../services/targets/evaluate-pending.js';
import { SECOND } from '../../services/time/shanghai.js';
import { defineJob } from '../define-job.js';

export const EVALUATE_DEBOUNCE = 2 * SECOND;

export const evaluateTargetsJob = defineJob({
  ...evaluateTargetsMessage,
  options: { delay: EVALUATE_DEBOUNCE },
  async handle(payload, ctx) {
    const opts = { clock: ctx.clock, logger: ctx.logger };
    let keys = 0;
    let evaluations = 0;
    let transitions = 0;
    const failed = new Set<string>();
    for (;;) {
      const r = await evaluatePending(ctx.db, opts);
      keys += r.keys;
      evaluations += r.evaluations;
      transitions += r.transitions;
      r.failedTargets.forEach((t) => failed.add(t));
      if (r.keys === 0 || ctx.signal.aborted) break;
    }
    if (payload.sweep && !ctx.signal.aborted) {
      const r = await sweepTargets(ctx.db, { ...opts, graceDays: ctx.config.TARGETS_SWEEP_GRACE_DAYS });
      evaluations += r.evaluations;
      transitions += r.transitions;
      r.failedTargets.forEach((t) => failed.add(t));
    }
    if (transitions > 0) await ctx.enqueue(...relayOutboxRequest());
    if (failed.size > 0)
      ctx.logger.error({ failedTargets: [...failed] }, 'some targets could not be evaluated');
    ctx.logger.debug({ reason: payload.reason, keys, evaluations, transitions }, 'targets evaluated');
    return { keys, evaluations, transitions, failedTargets: [...failed] };
  },
});
