/**
 * The demo's embedded SMTP server (smtp-server) on 127.0.0.1 and a free port: envwatch sends its alert
 * e-mails to it over real SMTP, and every message lands in `out/mail/` as `<n>-<subject>.eml` — open it in
 * any mail client — with `out/mail/index.json` listing them for the dashboard:
 *
 *   [{ "n": 1, "file": "0001-….eml", "subject": "…", "from": "…", "to": ["…"], "date": "ISO", "messageId": "…",
 *      "bytes": 1234 }]
 *
 * The index is rewritten whole (write to a temporary name, then rename) so a reader never sees half a file.
 */
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMailEntry {
  n: number;
  file: string;
  subject: string;
  from: string;
  to: string[];
  date: string;
  messageId: string | null;
  bytes: number;
}

export interface MailCatcher {
  url: string;
  dir: string;
  caught(): readonly CaughtMailEntry[];
  /** Rewrites of index.json so far (messages arriving together share one). */
  indexWrites(): number;
  close(): Promise<void>;
}

export const MAIL_INDEX = 'index.json';

/** A file-name-safe subject: keeps letters of any script and digits, folds the rest to '-'. */
export function subjectSlug(subject: string): string {
  const slug = subject
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug === '' ? 'no-subject' : slug;
}

/** Removes the messages of an earlier run (only .eml files and the index: the directory is the demo's). */
export async function clearMailDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    if (name.endsWith('.eml') || name === MAIL_INDEX) await rm(path.join(dir, name), { force: true });
  }
}

export async function startMailCatcher(dir: string): Promise<MailCatcher> {
  await clearMailDir(dir);
  const entries: CaughtMailEntry[] = [];
  // Messages arrive concurrently (sixteen delivery workers over eight connections). The index was rewritten
  // whole after every message, each rewrite chained behind the previous one and every acceptance waiting
  // for its own: n messages wrote n indexes of up to n entries, and a year's 1,500 messages (1,200 of them on
  // the replay's last day) queued behind one another. Now a message waits for a rewrite that starts after
  // it was listed, and all messages listed before that rewrite starts share it.
  let lastWrite: Promise<void> = Promise.resolve();
  let nextWrite: Promise<void> | null = null;
  let indexWrites = 0;
  const writeIndex = (): Promise<void> => {
    // A failed rewrite was reported to the messages waiting for it (as a 451, so they are sent again); the
    // next rewrite must still run.
    nextWrite ??= lastWrite
      .catch(() => undefined)
      .then(async () => {
        nextWrite = null; // messages listed from here on need the rewrite after this one
        const snapshot = JSON.stringify(entries, null, 2);
        const tmp = path.join(dir, `.${MAIL_INDEX}.tmp`);
        await writeFile(tmp, snapshot);
        await rename(tmp, path.join(dir, MAIL_INDEX));
        indexWrites += 1;
      });
    lastWrite = nextWrite;
    return nextWrite;
  };
  let numbered = 0;
  const store = async (raw: Buffer, envelopeFrom: string, envelopeTo: string[]) => {
    const parsed = await simpleParser(raw);
    const n = ++numbered;
    const subject = parsed.subject ?? '';
    const file = `${String(n).padStart(4, '0')}-${subjectSlug(subject)}.eml`;
    // Listed once its file is written: the index never names a file a reader cannot open yet.
    await writeFile(path.join(dir, file), raw);
    entries.push({
      n,
      file,
      subject,
      from: parsed.from?.text ?? envelopeFrom,
      to: envelopeTo,
      date: (parsed.date ?? new Date()).toISOString(),
      messageId: parsed.messageId ?? null,
      bytes: raw.length,
    });
    await writeIndex();
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // A reverse DNS lookup of 127.0.0.1 per connection costs up to a second on hosts without a resolver.
    disableReverseLookup: true,
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err: Error) => callback(err));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const to = session.envelope.rcptTo.map((r) => r.address);
        // A failure to store must reach the sender as an SMTP error (it retries), never vanish.
        store(Buffer.concat(chunks), from, to).then(
          () => callback(),
          (err: Error) =>
            callback(
              Object.assign(new Error(`could not store message: ${err.message}`), { responseCode: 451 }),
            ),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    dir,
    caught: () => entries,
    indexWrites: () => indexWrites,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
