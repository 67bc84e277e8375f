/**
 * The caught e-mail of the demo (MAIL_CATCHER_DIR, written by services/demo/mail-catcher.ts): its index and
 * one message, parsed for display. The index is the catcher's; file names are checked before use, so a
 * tampered index cannot point outside the directory.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { z } from 'zod';
import { NotFoundError } from '../errors.js';

const entrySchema = z.object({
  n: z.number().int().positive(),
  file: z.string().regex(/^[^/\\]+\.eml$/, 'a file name in the directory'),
  subject: z.string(),
  from: z.string(),
  to: z.array(z.string()),
  date: z.string(),
  messageId: z.string().nullable(),
  bytes: z.number().int().nonnegative(),
});
export type MailboxEntry = z.infer<typeof entrySchema>;

export interface MailMessage {
  entry: MailboxEntry;
  text: string;
  attachments: { filename: string; contentType: string; size: number }[];
}

/** The index, newest first; empty while nothing has been caught. */
export async function readMailbox(dir: string): Promise<MailboxEntry[]> {
  let raw: string;
  try {
    raw = await readFile(path.join(dir, 'index.json'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const parsed = z.array(entrySchema).safeParse(JSON.parse(raw));
  // The index is ours, not the caller's: a bad one is a server fault (500), never the request's (400).
  if (!parsed.success)
    throw new Error(
      `${path.join(dir, 'index.json')} is not a mail catcher index: ${z.prettifyError(parsed.error)}`,
    );
  return parsed.data.reverse();
}

export async function readMailFile(dir: string, n: number): Promise<{ entry: MailboxEntry; raw: Buffer }> {
  const entry = (await readMailbox(dir)).find((e) => e.n === n);
  if (!entry) throw new NotFoundError(`no caught message ${n}`);
  return { entry, raw: await readFile(path.join(dir, entry.file)) };
}

/** One message as text: the plain part the sender wrote (every envwatch e-mail has one), and its attachments. */
export async function readMailMessage(dir: string, n: number): Promise<MailMessage> {
  const { entry, raw } = await readMailFile(dir, n);
  const parsed = await simpleParser(raw);
  return {
    entry,
    text: parsed.text ?? '',
    attachments: parsed.attachments
      .filter((a) => a.contentDisposition === 'attachment')
      .map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, size: a.size })),
  };
}
