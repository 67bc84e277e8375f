/**
 * The minute sweep of the alerts domain: quiet hours and retries ending, dead workers' claims, escalations,
 * recovered data, heavy-pollution warnings, stale sources, the daily digest, closing settled alerts.
 */
import { z } from 'zod';
import { alertDeps } from '../../services/alerts/alert-deps.js';
import { runAlertSweep } from '../../services/alerts/sweep.js';
import { defineJob } from '../define-job.js';

export const alertSweepJob = defineJob({
  name: 'alert-sweep',
  queue: 'alerts',
  schema: z.object({ tick: z.string().optional() }),
  async handle(_payload, ctx) {
    return runAlertSweep(alertDeps(ctx), ctx.queues);
  },
});
