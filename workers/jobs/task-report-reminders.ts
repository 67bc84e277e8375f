/**
 * Once a day, in the morning: units still missing their monthly task progress on the cut-off day are
 * reminded, and escalated to the lead officials N working days later (services/alerts/task-report-reminders.ts).
 */
import { z } from 'zod';
import { alertDeps } from '../../services/alerts/alert-deps.js';
import { syncReportReminders } from '../../services/alerts/task-report-reminders.js';
import { relayAll } from '../../services/outbox/outbox.js';
import { defineJob } from '../define-job.js';

export const taskReportRemindersJob = defineJob({
  name: 'task-report-reminders',
  queue: 'alerts',
  schema: z.object({ tick: z.string().optional() }),
  async handle(_payload, ctx) {
    const deps = alertDeps(ctx);
    const r = await syncReportReminders(ctx.db, {
      now: ctx.clock.now(),
      settings: deps.settings,
      smsEnabled: deps.channels.sms.enabled,
      cutoffDay: ctx.config.TASK_REPORT_CUTOFF_DAY,
      escalateAfterWorkingDays: ctx.config.TASK_REPORT_ESCALATE_AFTER_WORKING_DAYS,
    });
    const relayed = await relayAll(ctx.db, ctx.queues, { ids: r.outboxIds });
    return { reminded: r.reminded, escalated: r.escalated, resolved: r.resolved, relayed };
  },
});
