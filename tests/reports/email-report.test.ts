/**
 * E-mailing an archived report over real SMTP (tests/helpers/smtp-catcher.ts): the distribution list,
 * Chinese attachment names that round-trip through MIME encoding, inline chart images, and exactly-once
 * delivery per recipient across repeated runs and temporary SMTP failures.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverReport, resolveDistributionList } from '../../services/reports/deliver-report.js';
import { produceReport, type ProduceResult } from '../../services/reports/produce-report.js';
import { pdfkitEngine } from '../../services/reports/render/pdf-engine.js';
import { createReportMailer, type ReportMailer } from '../../services/reports/report-mailer.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp-catcher.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertMarchDataset } from './fixture-data.js';
import { insertReference } from './fixture-reference.js';

const db = useTestDatabase();
let smtp: SmtpCatcher;
let mailer: ReportMailer;
let outDir: string;
let report: ProduceResult;

async function insertContacts(): Promise<void> {
  await db.pool.query(
    `INSERT INTO unit (id, name_zh, name_en, kind, district_id) VALUES
       ('eeb', '区生态环境局', 'District Ecology and Environment Bureau', 'department', 'tongzhou'),
       ('bda_eeb', '开发区生态环境局', 'BDA Ecology and Environment Bureau', 'department', 'bda')`,
  );
  await db.pool.query(
    `INSERT INTO contact (id, name_zh, unit_id, role, email, locale, year_from, year_to) VALUES
       ('c.chief', '张主任', 'eeb', '月报接收人', 'Chief@TZ.example.cn', 'zh-CN', 2024, NULL),
       ('c.expat', 'Alex', 'eeb', 'bulletin reader', 'alex@tz.example.cn', 'en', 2023, NULL),
       ('c.liaison', '李联络员', 'eeb', '联络员', 'liaison@tz.example.cn', 'zh-CN', 2024, NULL),
       ('c.bda', '王科长', 'bda_eeb', '简报接收人', 'wang@bda.example.cn', 'zh-CN', 2024, NULL),
       ('c.former', '赵主任', 'eeb', '月报接收人', 'former@tz.example.cn', 'zh-CN', 2020, 2023)`,
  );
}

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'envwatch-report-mail-'));
  await insertReference(db.pool);
  await insertMarchDataset(db.pool);
  await insertContacts();
  const renderer = pdfkitEngine();
  try {
    report = await produceReport(db.pool, {
      kind: 'monthly',
      scopeId: 'tongzhou',
      periodKey: '2024-03',
      reason: 'schedule',
      locales: ['zh-CN'],
      outDir,
      clock: new ManualClock(new Date('2024-04-05T01:30:00Z')),
      renderer,
    });
  } finally {
    await renderer.close();
  }
  smtp = await startSmtpCatcher();
  mailer = createReportMailer({ smtpUrl: smtp.url, from: 'envwatch 环境目标预警 <envwatch@localhost>' });
}, 60_000);

afterAll(async () => {
  mailer?.close();
  await smtp?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('distribution list', () => {
  it('takes REPORT_EMAIL_TO and the contacts whose role names the bulletin, for the district and year', async () => {
    const list = await resolveDistributionList(db.pool, {
      scopeId: 'tongzhou',
      year: 2024,
      extra: ['Office@TZ.example.cn'],
      defaultLocale: 'zh-CN',
    });
    expect(list).toEqual([
      { email: 'office@tz.example.cn', locale: 'zh-CN' },
      { email: 'alex@tz.example.cn', locale: 'en' },
      { email: 'chief@tz.example.cn', locale: 'zh-CN' },
    ]);
  });
});

describe('delivery', () => {
  it('sends the HTML body, inline charts and the PDF/XLSX/CSV under Chinese names that round-trip', async () => {
    const recipients = await resolveDistributionList(db.pool, {
      scopeId: 'tongzhou',
      year: 2024,
      extra: ['office@tz.example.cn'],
      defaultLocale: 'zh-CN',
    });
    const outcome = await deliverReport(db.pool, { reportId: report.report.id, recipients, mailer, outDir });
    expect(outcome).toMatchObject({ skipped: [], failed: [] });
    expect(outcome.sent).toHaveLength(3);
    const mails = await smtp.waitFor(3);
    const mail = mails.find((m) => m.to.includes('chief@tz.example.cn'))!;
    expect(mail.parsed.subject).toBe('通州区2024年3月街道（乡镇）环境质量排名月报（第1版，审核数据）');
    const files = mail.parsed.attachments.filter((a) => a.contentDisposition === 'attachment');
    expect(files.map((a) => a.filename).sort()).toEqual(
      ['pdf', 'xlsx', 'csv']
        .map((ext) => `通州区2024年3月街道（乡镇）环境质量排名月报（第1版）.${ext}`)
        .sort(),
    );
    // The raw message carries the name as RFC 2231 parameters (what Outlook/Foxmail/webmail decode).
    expect(mail.raw.toString('latin1')).toMatch(/filename\*0\*=utf-8''%E9%80%9A%E5%B7%9E/i);
    const pdf = files.find((a) => a.filename!.endsWith('.pdf'))!;
    const archived = report.files.find((f) => f.format === 'pdf')!;
    expect(createHash('sha256').update(pdf.content).digest('hex')).toBe(archived.sha256);
    const inline = mail.parsed.attachments.filter((a) => a.contentDisposition === 'inline');
    expect(inline.map((a) => a.cid).sort()).toEqual([
      'chart-pm25-daily',
      'chart-pm25-monthly',
      'chart-rank-dust_fall',
      'chart-rank-pm25',
      'chart-rank-road_dust_load',
      'chart-rank-road_dust_residue',
      'chart-rank-tsp',
      'chart-water-classes',
    ]);
    expect(inline[0]!.contentType).toBe('image/png');
    // mailparser resolves each cid: reference to its attachment: every chart found its image.
    expect((String(mail.parsed.html).match(/src="data:image\/png;base64,/g) ?? []).length).toBe(8);
    expect(mail.parsed.html).toContain('西集镇');
    expect(mail.parsed.text).toContain('后三');
    // The English-speaking contact gets the Chinese version: only zh-CN was produced.
    const alex = mails.find((m) => m.to.includes('alex@tz.example.cn'))!;
    expect(alex.parsed.subject).toContain('通州区');
    const { rows } = await db.pool.query('SELECT emailed_at FROM report WHERE id = $1', [report.report.id]);
    expect(rows[0].emailed_at).toBeInstanceOf(Date);
  });

  it('never sends a recipient the same version twice', async () => {
    const before = smtp.messages.length;
    const recipients = await resolveDistributionList(db.pool, {
      scopeId: 'tongzhou',
      year: 2024,
      extra: ['office@tz.example.cn'],
      defaultLocale: 'zh-CN',
    });
    const outcome = await deliverReport(db.pool, { reportId: report.report.id, recipients, mailer, outDir });
    expect(outcome.sent).toEqual([]);
    expect(outcome.skipped).toHaveLength(3);
    expect(smtp.messages.length).toBe(before);
  });

  it('leaves a temporary SMTP failure pending and sends it on the next run', async () => {
    const late = [{ email: 'late@tz.example.cn', locale: 'zh-CN' as const }];
    smtp.failWith(451, 'try again later');
    const first = await deliverReport(db.pool, {
      reportId: report.report.id,
      recipients: late,
      mailer,
      outDir,
    });
    expect(first.failed).toMatchObject([{ recipient: 'late@tz.example.cn', temporary: true }]);
    const { rows } = await db.pool.query(
      `SELECT status, attempts FROM report_delivery WHERE recipient = 'late@tz.example.cn'`,
    );
    expect(rows).toEqual([{ status: 'pending', attempts: 1 }]);
    smtp.failWith(null);
    const second = await deliverReport(db.pool, {
      reportId: report.report.id,
      recipients: late,
      mailer,
      outDir,
    });
    expect(second.sent).toEqual(['late@tz.example.cn']);
    const archivedCsv = await readFile(path.join(outDir, report.files.find((f) => f.format === 'csv')!.path));
    const mail = smtp.messages.at(-1)!;
    expect(
      mail.parsed.attachments.find((a) => a.filename?.endsWith('.csv'))!.content.equals(archivedCsv),
    ).toBe(true);
  });
});
