/**
 * Applies a target's newest evaluation to its alert (open, update, reopen, resolve) and plans the
 * deliveries in the same transaction. The outbox rows it writes are relayed by the worker host's LISTEN
 * loop the moment it commits (batched with everyone else's under load), the cron relay as the safety net.
 */
import { alertDeps } from '../../services/alerts/alert-deps.js';
import { syncTargetAlert } from '../../services/alerts/sync-target-alert.js';
import { syncAlertMessage } from '../../services/outbox/messages.js';
import { defineJob } from '../define-job.js';

export const syncAlertJob = defineJob({
  ...syncAlertMessage,
  async handle(payload, ctx) {
    const deps = alertDeps(ctx);
    const r = await syncTargetAlert(ctx.db, payload.evaluationId, {
      now: ctx.clock.now(),
      settings: deps.settings,
      smsEnabled: ctx.channels.sms.enabled,
    });
    return { alertId: r.alertId, action: r.action, deliveries: r.deliveries };
  },
});
