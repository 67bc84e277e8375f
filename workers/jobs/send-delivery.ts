/** Sends one delivery; temporary failures throw so BullMQ retries with backoff. */
import { z } from 'zod';
import { sendDelivery } from '../../services/notify/send-delivery.js';
import { defineJob } from '../define-job.js';

export const sendDeliveryJob = defineJob({
  name: 'send-delivery',
  queue: 'deliveries',
  schema: z.object({ deliveryId: z.number().int().positive() }),
  async handle(payload, ctx) {
    return { outcome: await sendDelivery(ctx.db, payload.deliveryId, ctx.channels) };
  },
});
