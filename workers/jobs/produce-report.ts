/**
 * Produces one report version (services/reports/produce-report.ts) in every configured language and, when
 * a new version was made and REPORT_EMAIL_AUTO is on, queues its e-mail. The PDF engine is pdfkit unless
 * REPORT_PDF_ENGINE=chromium, whose browser starts only when something is rendered and stops with the job.
 * A format that failed is logged with its reason; the others are archived all the same.
 */
import { z } from 'zod';
import { resolveFromRoot } from '../../config/paths.js';
import { produceReport } from '../../services/reports/produce-report.js';
import { openPdfEngine } from '../../services/reports/render/pdf-engine.js';
import { defineJob } from '../define-job.js';
import { jobId } from '../queue-names.js';

export const produceReportJob = defineJob({
  name: 'produce-report',
  queue: 'reports',
  schema: z.object({
    kind: z.enum(['monthly', 'water_quarterly', 'task_dispatch']),
    scopeId: z.string().min(1),
    periodKey: z.string().regex(/^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/),
    reason: z.enum(['schedule', 'revision', 'on_demand']).default('schedule'),
    force: z.boolean().default(false),
  }),
  async handle(payload, ctx) {
    const renderer = openPdfEngine({
      engine: ctx.config.REPORT_PDF_ENGINE,
      chromiumPath: ctx.config.CHROMIUM_PATH,
    });
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
      for (const f of result.failures)
        ctx.logger.warn(
          { scope: payload.scopeId, period: payload.periodKey, ...f },
          'report format not produced',
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
