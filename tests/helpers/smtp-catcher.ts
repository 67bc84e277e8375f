/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1 that keeps every accepted message, parsed
 * with mailparser. Tests can make it answer with an SMTP error for a while (e.g. 421 or 550), and delay its
 * "250" after storing a message — the window in which a killed client cannot know the server has it.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { Arrivals } from './arrivals.js';

export interface CaughtMail {
  from: string;
  to: string[];
  parsed: ParsedMail;
  raw: Buffer;
}

export interface SmtpCatcher {
  url: string;
  port: number;
  messages: CaughtMail[];
  /** Answer the next DATA commands with this code and message (until cleared with null). */
  failWith(code: number | null, message?: string): void;
  /** Refuse one recipient at RCPT TO (e.g. 550 "user unknown"), or accept it again with null. */
  refuseRecipient(address: string, code: number | null): void;
  /** Hold every "250" this long after the message is stored. */
  setReplyDelay(ms: number): void;
  /** Message-ID headers of the accepted messages, in order (duplicates kept). */
  messageIds(): string[];
  waitFor(count: number, timeoutMs?: number): Promise<CaughtMail[]>;
  close(): Promise<void>;
}

export async function startSmtpCatcher(): Promise<SmtpCatcher> {
  const arrivals = new Arrivals<CaughtMail>('messages');
  const messages = arrivals.items;
  let failure: { code: number; message: string } | null = null;
  let replyDelayMs = 0;
  const refusedRecipients = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = refusedRecipients.get(address.address);
      if (code)
        callback(Object.assign(new Error(`<${address.address}>: user unknown`), { responseCode: code }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failure) {
          const err = Object.assign(new Error(failure.message), { responseCode: failure.code });
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            arrivals.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              parsed,
              raw,
            });
            if (replyDelayMs > 0) setTimeout(() => callback(), replyDelayMs);
            else callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  // A client killed mid-conversation resets its connection; that is the test's doing, not a server failure.
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ECONNRESET') throw err;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    failWith(code, message = 'test failure') {
      failure = code === null ? null : { code, message };
    },
    refuseRecipient(address, code) {
      if (code === null) refusedRecipients.delete(address);
      else refusedRecipients.set(address, code);
    },
    setReplyDelay(ms) {
      replyDelayMs = ms;
    },
    messageIds() {
      return messages.map((m) => m.parsed.messageId ?? '');
    },
    waitFor: (count, timeoutMs) => arrivals.waitFor(count, timeoutMs),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
