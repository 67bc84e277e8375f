/**
 * Once a day: every task past its due date without 已完成 opens its task_overdue alert (one per task) and
 * plans the deliveries to its main units and lead officials; the relay sends them.
 */
import { z } from 'zod';
import { alertDeps } from '../../services/alerts/alert-deps.js';
import { syncOverdueTasks } from '../../services/alerts/task-overdue.js';
import { relayAll } from '../../services/outbox/outbox.js';
import { defineJob } from '../define-job.js';

export const taskOverdueJob = defineJob({
  name: 'task-overdue',
  queue: 'alerts',
  schema: z.object({ tick: z.string().optional() }),
  async handle(_payload, ctx) {
    const deps = alertDeps(ctx);
    const r = await syncOverdueTasks(ctx.db, {
      now: ctx.clock.now(),
      settings: deps.settings,
      smsEnabled: deps.channels.sms.enabled,
      lookbackDays: ctx.config.TASK_OVERDUE_LOOKBACK_DAYS,
    });
    const relayed = await relayAll(ctx.db, ctx.queues, { ids: r.outboxIds });
    return { opened: r.opened, planned: r.outboxIds.length, relayed };
  },
});
