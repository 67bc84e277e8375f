/**
 * Sends one delivery (claim → send → record). Channel failures are handled in the database — a retry time
 * for temporary ones, fallback and an operational alert for permanent ones (their outbox rows are relayed by
 * the worker host's LISTEN loop) — so the job itself only fails, and is retried by BullMQ, when the database
 * or Redis is unreachable.
 */
import { alertDeps } from '../../services/alerts/alert-deps.js';
import { sendDelivery } from '../../services/notify/send-delivery.js';
import { sendDeliveryMessage } from '../../services/outbox/messages.js';
import { defineJob } from '../define-job.js';

export const sendDeliveryJob = defineJob({
  ...sendDeliveryMessage,
  async handle(payload, ctx) {
    const r = await sendDelivery(alertDeps(ctx), payload.deliveryId, payload.startAt);
    return { outcome: r.outcome };
  },
});
