/**
 * Daily tick of the reports domain: turns the plan for the day (services/reports/plan-reports.ts) into
 * produce-report jobs. Job ids carry the day, so a second scheduler replica's tick collapses into the same
 * jobs, while tomorrow's re-check of a month is a new job.
 */
import { z } from 'zod';
import { planReports } from '../../services/reports/plan-reports.js';
import { toShanghaiDay } from '../../services/time/shanghai.js';
import { defineJob } from '../define-job.js';
import { jobId } from '../queue-names.js';

export const planReportsJob = defineJob({
  name: 'plan-reports',
  queue: 'reports',
  schema: z.object({ day: z.iso.date().optional() }),
  async handle(payload, ctx) {
    const day = payload.day ?? toShanghaiDay(ctx.clock.now());
    const planned = planReports(day, {
      settleDay: ctx.config.REPORT_SETTLE_DAY,
      revisionMonths: ctx.config.REPORT_REVISION_MONTHS,
      scopes: ctx.config.REPORT_SCOPES,
      waterBulletinYears: ctx.config.REPORT_WATER_BULLETIN_YEARS,
    });
    for (const p of planned) {
      await ctx.enqueue(
        'produce-report',
        { ...p },
        { jobId: jobId('report', p.kind, p.scopeId, p.periodKey, day) },
      );
    }
    ctx.logger.info({ day, reports: planned.length }, 'reports planned');
    return { day, planned: planned.length };
  },
});
