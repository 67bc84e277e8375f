/**
 * E-mail over SMTP (nodemailer, pooled connections). The SMTP reply decides temporary vs permanent: 4xx,
 * timeouts and connection errors are retried, 5xx are final (the fallback channel takes over). The
 * Message-ID is fixed per delivery, so a resend after a crash carries the same one.
 *
 * The message is composed first and streamed as raw MIME, and the end of the stream is held until the
 * caller's `beforeDataEnd` has recorded that the whole message is with the server. SMTP accepts a message
 * only on the terminating "." after the data; a client that dies before writing it leaves nothing behind
 * (the server discards a truncated DATA). So a crash with that record absent is safe to resend, and only a
 * crash after it is ambiguous — see recover-leases.ts.
 */
import net from 'node:net';
import { Readable } from 'node:stream';
import nodemailer, { type Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { ChannelError } from './channel-error.js';
import { unlimited, type RateLimiter } from './rate-limiter.js';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Stable per delivery: `<…@…>`. */
  messageId: string;
  headers?: Record<string, string>;
  /** The Date header: the application clock's now (a replay dates its mail in the replayed time). */
  date?: Date;
}

export interface SendHooks {
  /** Runs when every byte of the message has been handed over, before the terminating "." is. */
  beforeDataEnd?: () => Promise<void>;
}

export interface EmailChannel {
  send(msg: EmailMessage, hooks?: SendHooks): Promise<{ providerMessageId: string; response: string }>;
  close(): void;
}

export interface EmailChannelOptions {
  smtpUrl: string;
  from: string;
  /** Each phase of the SMTP conversation (connect, greeting, socket inactivity). */
  timeoutMs?: number;
  /** The whole send, whatever happens underneath; must stay below the delivery lease. */
  sendTimeoutMs?: number;
  maxConnections?: number;
  limiter?: RateLimiter;
}

export function createEmailChannel(opts: EmailChannelOptions): EmailChannel {
  const timeout = opts.timeoutMs ?? 30_000;
  const sendTimeout = opts.sendTimeoutMs ?? 2 * timeout;
  let transport = createPooledTransport(opts, timeout);
  const limiter = opts.limiter ?? unlimited;
  const fromAddress = /<([^>]+)>\s*$/.exec(opts.from)?.[1] ?? opts.from.trim();
  return {
    async send(msg, hooks = {}) {
      await limiter.acquire();
      const sending = transport;
      try {
        const mime = await composeMime(opts.from, msg);
        const info = await withDeadline(
          sending.sendMail({
            envelope: { from: fromAddress, to: [msg.to] },
            raw: heldUntil(mime, hooks.beforeDataEnd),
          }) as Promise<{ messageId: string; response: string }>,
          sendTimeout,
        );
        return {
          providerMessageId: queueIdOf(info.response) ?? info.messageId ?? msg.messageId,
          response: info.response,
        };
      } catch (err) {
        if (err instanceof SendDeadlineError && sending === transport) {
          // A send past its deadline sits on a pooled connection nodemailer will never settle (a socket
          // closed before the pool attached its handlers stays "open" to it for ever): drop the whole pool so
          // its slots are not held, and the next send starts from fresh connections.
          transport = createPooledTransport(opts, timeout);
          sending.close();
        }
        throw classifySmtpError(err);
      }
    },
    close() {
      transport.close();
    },
  };
}

function createPooledTransport(opts: EmailChannelOptions, timeout: number): Transporter {
  return nodemailer.createTransport(
    {
      // Not `url`: nodemailer then ignores every other option (pool, timeouts) — it parses the URL alone.
      ...connectionOf(opts.smtpUrl),
      pool: true,
      maxConnections: opts.maxConnections ?? 8,
      maxMessages: 500,
      // The delivery lease must outlast the slowest send: bound every phase of the SMTP conversation.
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      getSocket: noDelaySocket(timeout),
    } as nodemailer.TransportOptions,
    { from: opts.from },
  );
}

function composeMime(from: string, msg: EmailMessage): Promise<Buffer> {
  return new MailComposer({
    from,
    to: msg.to,
    subject: msg.subject,
    text: msg.text,
    html: msg.html,
    messageId: msg.messageId,
    headers: msg.headers,
    ...(msg.date ? { date: msg.date } : {}),
  })
    .compile()
    .build();
}

class SendDeadlineError extends Error {
  readonly code = 'ETIMEDOUT';
}

/** The promise, or a SendDeadlineError once `ms` have passed without it settling. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SendDeadlineError(`no answer within ${ms} ms`)), ms);
  });
  // The abandoned send may still fail later (its pool is closed): that rejection is expected, not unhandled.
  promise.catch(() => undefined);
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** smtp://user:pass@host:port (STARTTLS when offered) or smtps:// (TLS from the start, port 465). */
export function connectionOf(smtpUrl: string): {
  host: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
} {
  const u = new URL(smtpUrl);
  const secure = u.protocol === 'smtps:';
  const auth = u.username
    ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) }
    : undefined;
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    ...(auth ? { auth } : {}),
  };
}

/**
 * nodemailer leaves Nagle's algorithm on: the small final "." then waits for the ACK of the data before it,
 * which the server delays (40 ms on Linux) — 40 ms added to every message. The pool asks for its sockets
 * here instead, connected with TCP_NODELAY (TLS, for smtps://, is still set up by nodemailer on top).
 */
function noDelaySocket(timeoutMs: number) {
  return (
    options: { host?: string; port?: number },
    callback: (err: Error | null, socket?: { connection: net.Socket }) => void,
  ) => {
    const socket = net.connect({ host: options.host ?? '127.0.0.1', port: options.port ?? 25 });
    socket.setNoDelay(true);
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`SMTP connect timed out after ${timeoutMs} ms`)),
    );
    socket.once('error', (err) => callback(err));
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.removeAllListeners('error');
      callback(null, { connection: socket });
    });
  };
}

/** The message bytes, then — only after `beforeEnd` resolves — the end of the stream. */
function heldUntil(mime: Buffer, beforeEnd: (() => Promise<void>) | undefined): Readable {
  let pushed = false;
  return new Readable({
    read() {
      if (pushed) return;
      pushed = true;
      this.push(mime);
      if (!beforeEnd) {
        this.push(null);
        return;
      }
      beforeEnd().then(
        () => this.push(null),
        (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))),
      );
    },
  });
}

/** "250 2.0.0 Ok: queued as 4F7A2C1" → "4F7A2C1": the relay's own id, for tracing a message in its logs. */
function queueIdOf(response: string): string | null {
  return /queued as ([A-Za-z0-9._-]+)/i.exec(response)?.[1] ?? null;
}

export function classifySmtpError(err: unknown): ChannelError {
  const e = err as { responseCode?: number; code?: string; message?: string };
  const message = `SMTP: ${e.message ?? String(err)}`;
  if (typeof e.responseCode === 'number') {
    const temporary = e.responseCode >= 400 && e.responseCode < 500;
    return new ChannelError(message, 'smtp', temporary, String(e.responseCode), { cause: err });
  }
  // No reply code: the connection failed, timed out or was cut — the server never said "no".
  return new ChannelError(message, 'smtp', true, e.code ?? 'connection', { cause: err });
}
