/** `envwatch report --month 2024-03 …`: on-demand production, copying under Chinese names, e-mail. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../config/env.js';
import { run } from '../../services/cli/commands/report.js';
import { ValidationError } from '../../services/errors.js';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp-catcher.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertMarchDataset } from './fixture-data.js';
import { insertReference } from './fixture-reference.js';

const db = useTestDatabase();
let smtp: SmtpCatcher;
let dir: string;
let config: Config;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'envwatch-report-cli-'));
  await insertReference(db.pool);
  await insertMarchDataset(db.pool);
  smtp = await startSmtpCatcher();
  config = loadConfig({
    ...process.env,
    DATABASE_URL: db.url,
    OUT_DIR: path.join(dir, 'archive'),
    SMTP_URL: smtp.url,
    REPORT_EMAIL_TO: 'office@tz.example.cn',
    REPORT_LOCALES: 'zh-CN',
  });
});

afterAll(async () => {
  await smtp?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('envwatch report', () => {
  it('produces the month, copies the files under their Chinese names and e-mails them', async () => {
    const lines: string[] = [];
    const out = path.join(dir, 'copy');
    const code = await run({
      config,
      args: ['--month', '2024-03', '--scope', 'tongzhou', '--out', out, '--email'],
      out: (l) => lines.push(l),
    });
    expect(code).toBe(0);
    expect(lines[0]).toMatch(
      /^tongzhou 2024-03: produced version 1 \(audited\); data \d+ ms, rendering \d+ ms$/,
    );
    expect((await readdir(out)).sort()).toEqual(
      ['csv', 'html', 'pdf', 'xlsx'].map(
        (ext) => `通州区2024年3月街道（乡镇）环境质量排名月报（第1版）.${ext}`,
      ),
    );
    expect(lines.at(-1)).toBe('  e-mail: 1 sent, 0 already sent, 0 failed');
    expect(smtp.messages).toHaveLength(1);
  });

  it('returns the current version when nothing changed', async () => {
    const lines: string[] = [];
    expect(
      await run({ config, args: ['--month', '2024-03', '--scope', 'tongzhou'], out: (l) => lines.push(l) }),
    ).toBe(0);
    expect(lines[0]).toMatch(/^tongzhou 2024-03: unchanged, current version 1 \(audited\)/);
    expect(lines.filter((l) => l.includes('reports/tongzhou/2024-03/v1/'))).toHaveLength(4);
  });

  it('refuses a malformed month before touching anything', async () => {
    await expect(run({ config, args: ['--month', '2024-13'], out: () => undefined })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      run({ config, args: ['--month', '2024-03', '--quarter', '2024-Q1'], out: () => undefined }),
    ).rejects.toThrow(/one of/);
  });
});
