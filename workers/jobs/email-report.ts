/**
 * E-mails one archived report version to its distribution list. Deliveries already sent are skipped
 * (report_delivery), so a retry after a temporary SMTP failure only sends what is missing.
 */
import { z } from 'zod';
import { resolveFromRoot } from '../../config/paths.js';
import { ExternalServiceError, NotFoundError } from '../../services/errors.js';
import { deliverReport, resolveDistributionList } from '../../services/reports/deliver-report.js';
import { readReport } from '../../services/reports/queries/archive-queries.js';
import { createReportMailer } from '../../services/reports/report-mailer.js';
import { defineJob } from '../define-job.js';

export const emailReportJob = defineJob({
  name: 'email-report',
  queue: 'reports',
  schema: z.object({ reportId: z.number().int().positive() }),
  async handle(payload, ctx) {
    const report = await readReport(ctx.db, payload.reportId);
    if (!report) throw new NotFoundError(`report ${payload.reportId} does not exist`);
    const recipients = await resolveDistributionList(ctx.db, {
      scopeId: report.scope_id,
      year: Number(report.period_key.slice(0, 4)),
      extra: ctx.config.REPORT_EMAIL_TO,
      defaultLocale: ctx.config.DEFAULT_LOCALE,
    });
    if (recipients.length === 0) {
      ctx.logger.warn(
        { reportId: report.id, scope: report.scope_id },
        'report distribution list is empty: set REPORT_EMAIL_TO or add contacts',
      );
      return { sent: 0 };
    }
    const mailer = createReportMailer({ smtpUrl: ctx.config.SMTP_URL, from: ctx.config.MAIL_FROM });
    try {
      const outcome = await deliverReport(ctx.db, {
        reportId: report.id,
        recipients,
        mailer,
        outDir: resolveFromRoot(ctx.config.OUT_DIR),
      });
      for (const f of outcome.failed)
        ctx.logger.error(
          { reportId: report.id, error: f.error, temporary: f.temporary },
          'report e-mail failed',
        );
      const retry = outcome.failed.filter((f) => f.temporary);
      if (retry.length > 0) {
        throw new ExternalServiceError(
          `${retry.length} report e-mail(s) failed temporarily; retrying`,
          'smtp',
          true,
        );
      }
      return { sent: outcome.sent.length, skipped: outcome.skipped.length, failed: outcome.failed.length };
    } finally {
      mailer.close();
    }
  },
});
