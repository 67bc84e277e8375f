/**
 * Once a day, in the morning: tasks 30/7/1 working days (TASK_DEADLINE_REMINDER_WORKING_DAYS) before their
 * due date remind their units, once each (services/alerts/task-deadline-reminders.ts).
 */
import { z } from 'zod';
import { alertDeps } from '../../services/alerts/alert-deps.js';
import { syncDeadlineReminders } from '../../services/alerts/task-deadline-reminders.js';
import { relayAll } from '../../services/outbox/outbox.js';
import { defineJob } from '../define-job.js';

export const taskDeadlineRemindersJob = defineJob({
  name: 'task-deadline-reminders',
  queue: 'alerts',
  schema: z.object({ tick: z.string().optional() }),
  async handle(_payload, ctx) {
    const deps = alertDeps(ctx);
    const r = await syncDeadlineReminders(ctx.db, {
      now: ctx.clock.now(),
      settings: deps.settings,
      smsEnabled: deps.channels.sms.enabled,
      workingDaysBefore: ctx.config.TASK_DEADLINE_REMINDER_WORKING_DAYS,
      catchUpWorkingDays: ctx.config.TASK_DEADLINE_REMINDER_CATCH_UP_WORKING_DAYS,
    });
    const relayed = await relayAll(ctx.db, ctx.queues, { ids: r.outboxIds });
    return { reminded: r.reminded, resolved: r.resolved, relayed };
  },
});
