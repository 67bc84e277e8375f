/**
 * The demo's SMTP catcher under a burst: the replay's last day sends 1,200 messages. Each message used to
 * rewrite the whole index.json behind every earlier rewrite, so acceptances queued one behind another.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { MAIL_INDEX, startMailCatcher, type MailCatcher } from '../../services/demo/mail-catcher.js';

let dir: string;
let catcher: MailCatcher;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'envwatch-catcher-'));
  catcher = await startMailCatcher(dir);
});

afterAll(async () => {
  await catcher.close();
  await rm(dir, { recursive: true, force: true });
});

test('a burst of messages is listed in full, each file readable, with fewer index rewrites than messages', async () => {
  const port = Number(new URL(catcher.url).port);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, pool: true, maxConnections: 8 });
  const N = 60;
  try {
    await Promise.all(
      Array.from({ length: N }, (_, i) =>
        transport.sendMail({
          from: 'envwatch@example.org',
          to: `official${i}@example.org`,
          subject: `告警 alert ${i}`,
          text: `message ${i}`,
        }),
      ),
    );
  } finally {
    transport.close();
  }
  const index = JSON.parse(await readFile(path.join(dir, MAIL_INDEX), 'utf8')) as {
    n: number;
    file: string;
  }[];
  expect(index.map((e) => e.n).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
  for (const e of index) await expect(readFile(path.join(dir, e.file), 'utf8')).resolves.toContain('message');
  expect(catcher.indexWrites()).toBeLessThan(N);
});
