/**
 * E-mail of reports over SMTP (nodemailer), with attachments and inline chart images — which the alert
 * channel (services/notify/email-channel.ts) does not carry. Attachment names are Chinese: nodemailer
 * writes them as RFC 2231 parameters (filename*0*=utf-8''…) with an RFC 2047 `name` on the Content-Type,
 * which Outlook, Foxmail, Apple Mail and the webmail clients all decode. SMTP 4xx and connection errors
 * are temporary, 5xx permanent.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { ExternalServiceError } from '../errors.js';

export interface ReportMailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
  /** Set for an inline image referenced as cid:<id> in the HTML body. */
  cid?: string;
}

export interface ReportMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Stable per (report, recipient): a resend after a crash carries the same Message-ID. */
  messageId: string;
  attachments: ReportMailAttachment[];
}

export interface ReportMailer {
  send(mail: ReportMail): Promise<{ providerMessageId: string; response: string }>;
  close(): void;
}

const SEND_TIMEOUT_MS = 60_000;

export function createReportMailer(opts: { smtpUrl: string; from: string }): ReportMailer {
  const transport: Transporter = nodemailer.createTransport(opts.smtpUrl, {
    from: opts.from,
    connectionTimeout: SEND_TIMEOUT_MS,
    socketTimeout: SEND_TIMEOUT_MS,
  });
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({
          to: mail.to,
          subject: mail.subject,
          html: mail.html,
          text: mail.text,
          messageId: mail.messageId,
          attachments: mail.attachments.map((a) => ({
            filename: a.filename,
            content: a.content,
            contentType: a.contentType,
            ...(a.cid ? { cid: a.cid, contentDisposition: 'inline' as const } : {}),
          })),
        });
        return { providerMessageId: info.messageId, response: info.response };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        const temporary = code === undefined || (code >= 400 && code < 500);
        throw new ExternalServiceError(
          `SMTP ${code ?? 'connection'} error: ${(err as Error).message}`,
          'smtp',
          temporary,
          { cause: err },
        );
      }
    },
    close() {
      transport.close();
    },
  };
}
