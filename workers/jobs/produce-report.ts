/**
 * Produces one report version (services/reports/produce-report.ts) in every configured language and, when
 * a new version was made and REPORT_EMAIL_AUTO is on, queues its e-mail. Chromium starts only when something
 * is rendered (most daily re-checks find the month unchanged) and stops with the job: reports are monthly,
 * and a browser left running between them would only hold memory.
 */
import { z } from 'zod';
import { resolveFromRoot } from '../../config/paths.js';
import { produceReport } from '../../services/reports/produce-report.js';
import { lazyPdfRenderer } from '../../services/reports/render/pdf.js';
import { defineJob } from '../define-job.js';
import { jobId } from '../queue-names.js';

export const produceReportJob = defineJob({
  name: 'produce-report',
  queue: 'reports',
  schema: z.object({
    kind: z.enum(['monthly', 'water_quarterly']),
    scopeId: z.string().min(1),
    periodKey: z.string().regex(/^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/),
    reason: z.enum(['schedule', 'revision', 'on_demand']).default('schedule'),
    force: z.boolean().default(false),
  }),
  async handle(payload, ctx) {
    const renderer = lazyPdfRenderer({ chromiumPath: ctx.config.CHROMIUM_PATH });
    try {
      const result = await produceReport(ctx.db, {
        ...payload,
        locales: ctx.config.REPORT_LOCALES,
        outDir: resolveFromRoot(ctx.config.OUT_DIR),
        clock: ctx.clock,
        renderer,
      });
      const { report, timings } = result;
      ctx.logger.info(
        {
          kind: payload.kind,
          scope: payload.scopeId,
          period: payload.periodKey,
          status: result.status,
          version: report.version,
          dataVersion: report.data_version,
          ...timings,
        },
        'report produced',
      );
      if (result.status === 'created' && ctx.config.REPORT_EMAIL_AUTO) {
        await ctx.enqueue(
          'email-report',
          { reportId: report.id },
          { jobId: jobId('email-report', report.id) },
        );
      }
      return { status: result.status, reportId: report.id, version: report.version };
    } finally {
      await renderer.close();
    }
  },
});
