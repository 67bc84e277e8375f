/** Structured JSON logs (pino). Jobs get a child logger carrying the job name and id. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(opts: { level: string; name?: string }): Logger {
  return pino({
    name: opts.name ?? 'envwatch',
    level: opts.level,
    // Mobile numbers and e-mail addresses are personal data: never in logs.
    redact: {
      paths: ['*.mobile', '*.email', 'mobile', 'email', '*.password', 'password'],
      censor: '[redacted]',
    },
  });
}
