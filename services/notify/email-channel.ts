/**
 * E-mail over SMTP (nodemailer). SMTP replies decide temporary vs permanent: 4xx and connection errors are
 * retried, 5xx are final (the fallback channel takes over).
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { ExternalServiceError } from '../errors.js';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Stable per delivery, so a resend after a crash carries the same Message-ID. */
  messageId: string;
}

export interface EmailChannel {
  send(msg: EmailMessage): Promise<{ providerMessageId: string; response: string }>;
  close(): void;
}

export function createEmailChannel(opts: { smtpUrl: string; from: string }): EmailChannel {
  const transport: Transporter = nodemailer.createTransport(opts.smtpUrl, { from: opts.from });
  return {
    async send(msg) {
      try {
        const info = await transport.sendMail({
          to: msg.to,
          subject: msg.subject,
          text: msg.text,
          html: msg.html,
          messageId: msg.messageId,
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
