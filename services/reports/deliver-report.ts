/**
 * E-mails an archived report version to its distribution list: the HTML body with the charts as inline
 * PNGs, and the PDF, XLSX and CSV attached under their Chinese names. Each recipient's row is claimed
 * before sending (report_delivery), so retries and duplicate jobs never send twice.
 *
 * Distribution list (docs/decisions.md): REPORT_EMAIL_TO (shared mailboxes, default locale) plus contacts
 * whose role names the bulletin (简报/月报/通报/bulletin) in the district, from the year's directory.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Queryable } from '../db/queryable.js';
import { ExternalServiceError, NotFoundError, errorMessage } from '../errors.js';
import { readReport, readReportFiles, markReportEmailed } from './queries/archive-queries.js';
import {
  claimDelivery,
  countUnsentDeliveries,
  ensureDeliveryRow,
  markDeliveryFailed,
  markDeliverySent,
  readReportContacts,
  type RecipientRow,
} from './queries/delivery-queries.js';
import type { EmailManifestEntry } from './produce-report.js';
import type { ReportMailer, ReportMailAttachment } from './report-mailer.js';
import type { ReportFormat, ReportLocale } from './report-types.js';

const ATTACHED: readonly ReportFormat[] = ['pdf', 'xlsx', 'csv'];
const CONTENT_TYPES: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

export async function resolveDistributionList(
  db: Queryable,
  opts: { scopeId: string; year: number; extra: readonly string[]; defaultLocale: ReportLocale },
): Promise<RecipientRow[]> {
  const contacts = await readReportContacts(db, opts.scopeId, opts.year);
  const byEmail = new Map<string, RecipientRow>();
  for (const email of opts.extra)
    byEmail.set(email.toLowerCase(), { email: email.toLowerCase(), locale: opts.defaultLocale });
  for (const c of contacts) byEmail.set(c.email, c);
  return [...byEmail.values()];
}

export interface DeliveryOutcome {
  sent: string[];
  skipped: string[];
  failed: { recipient: string; error: string; temporary: boolean }[];
}

function messageId(reportId: number, recipient: string): string {
  const h = createHash('sha256').update(recipient).digest('hex').slice(0, 16);
  return `<report-${reportId}-${h}@envwatch>`;
}

export async function deliverReport(
  db: Queryable,
  opts: { reportId: number; recipients: readonly RecipientRow[]; mailer: ReportMailer; outDir: string },
): Promise<DeliveryOutcome> {
  const report = await readReport(db, opts.reportId);
  if (!report) throw new NotFoundError(`report ${opts.reportId} does not exist`);
  const files = await readReportFiles(db, report.id);
  const email = (report.summary as { email?: Record<string, EmailManifestEntry> }).email ?? {};
  const outcome: DeliveryOutcome = { sent: [], skipped: [], failed: [] };
  for (const r of opts.recipients) {
    // The recipient's language when that version was produced, else the Chinese one.
    const locale: ReportLocale = email[r.locale] ? r.locale : 'zh-CN';
    const assets = email[locale];
    if (!assets) throw new NotFoundError(`report ${report.id} has no e-mail body for ${locale}`);
    await ensureDeliveryRow(db, report.id, r.email, locale);
    const claim = await claimDelivery(db, report.id, r.email);
    if (!claim) {
      outcome.skipped.push(r.email);
      continue;
    }
    try {
      const attachments: ReportMailAttachment[] = [];
      for (const f of files.filter((x) => x.locale === locale && ATTACHED.includes(x.format))) {
        attachments.push({
          filename: f.file_name,
          content: await readFile(path.join(opts.outDir, f.path)),
          contentType: CONTENT_TYPES[f.format],
        });
      }
      for (const img of assets.images) {
        attachments.push({
          filename: `${img.cid}.png`,
          content: await readFile(path.join(opts.outDir, img.path)),
          contentType: 'image/png',
          cid: img.cid,
        });
      }
      const html = await readFile(path.join(opts.outDir, assets.html), 'utf8');
      const info = await opts.mailer.send({
        to: r.email,
        subject: assets.subject,
        html,
        text: assets.text,
        messageId: messageId(report.id, r.email),
        attachments,
      });
      await markDeliverySent(db, claim.id, info.providerMessageId);
      outcome.sent.push(r.email);
    } catch (err) {
      const temporary = !(err instanceof ExternalServiceError) || err.temporary;
      await markDeliveryFailed(db, claim.id, errorMessage(err), temporary);
      outcome.failed.push({ recipient: r.email, error: errorMessage(err), temporary });
    }
  }
  if (opts.recipients.length > 0 && (await countUnsentDeliveries(db, report.id)) === 0)
    await markReportEmailed(db, report.id);
  return outcome;
}
