/**
 * Drains rollup_queue: refreshes the per-series rollups (continuous aggregates or tables) and the scope
 * rollups, then asks the targets engine to re-evaluate what changed. Enqueued after every ingest batch
 * with a deduplication id, so a burst of batches causes one refresh, not one each; a cron tick every minute
 * is the safety net for a key queued just as a refresh finished.
 */
import { evaluateTargetsRequest, refreshRollupsMessage } from '../../services/outbox/messages.js';
import { processRollupQueue } from '../../services/store/rollups.js';
import { defineJob } from '../define-job.js';

export const refreshRollupsJob = defineJob({
  ...refreshRollupsMessage,
  async handle(_payload, ctx) {
    let total = 0;
    for (;;) {
      const r = await processRollupQueue(ctx.db);
      total += r.keys;
      if (r.evaluationKeys > 0) {
        await ctx.enqueue(...evaluateTargetsRequest('rollups'));
      }
      if (r.keys === 0 || ctx.signal.aborted) break;
    }
    ctx.logger.debug({ keys: total }, 'rollups refreshed');
    return { keys: total };
  },
});
