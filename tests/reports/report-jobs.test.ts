/**
 * The reports jobs against real PostgreSQL, Redis (a queue prefix of its own) and SMTP: the daily plan
 * enqueues produce-report jobs with per-day ids, producing a new version enqueues its e-mail, and the
 * e-mail job delivers it to the distribution list.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { createLogger } from '../../services/logging.js';
import { createNotifyChannels } from '../../services/notify/channels.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { closeQueues, createEnqueue, createQueues, type Queues } from '../../workers/enqueue.js';
import type { JobContext } from '../../workers/job-context.js';
import { emailReportJob } from '../../workers/jobs/email-report.js';
import { planReportsJob } from '../../workers/jobs/plan-reports.js';
import { produceReportJob } from '../../workers/jobs/produce-report.js';
import { registry } from '../../workers/registry.js';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp-catcher.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { createTestRedis, deleteKeysWithPrefix, uniqueQueuePrefix } from '../helpers/test-redis.js';
import { insertMarchDataset } from './fixture-data.js';
import { insertReference } from './fixture-reference.js';

const db = useTestDatabase();
const prefix = uniqueQueuePrefix();
let redis: Redis;
let queues: Queues;
let smtp: SmtpCatcher;
let outDir: string;
let ctx: JobContext;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'envwatch-report-jobs-'));
  await insertReference(db.pool);
  await insertMarchDataset(db.pool);
  smtp = await startSmtpCatcher();
  redis = createTestRedis();
  queues = createQueues(redis, prefix);
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: db.url,
    QUEUE_PREFIX: prefix,
    OUT_DIR: outDir,
    SMTP_URL: smtp.url,
    REPORT_EMAIL_TO: 'office@tz.example.cn',
    REPORT_LOCALES: 'zh-CN',
    REPORT_SCOPES: 'tongzhou',
    REPORT_REVISION_MONTHS: '1',
  });
  ctx = {
    config,
    db: db.pool,
    logger: createLogger({ level: 'silent' }),
    clock: new ManualClock(new Date('2024-04-05T01:30:00Z')),
    enqueue: createEnqueue(queues, registry),
    queues,
    // The report jobs do not use the alert channels (reports carry attachments: report-mailer.ts).
    channels: createNotifyChannels(config, redis),
    signal: new AbortController().signal,
    jobId: 'test',
    attempt: 1,
  };
});

afterAll(async () => {
  ctx?.channels.email.close();
  ctx?.channels.sms.close();
  await closeQueues(queues);
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
  await smtp?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('report jobs', () => {
  it('plan-reports enqueues the settled month and the revision check, with per-day job ids', async () => {
    await planReportsJob.handle({ day: '2024-04-05' }, ctx);
    await planReportsJob.handle({ day: '2024-04-05' }, ctx); // a second replica's tick collapses
    const jobs = await queues.reports.getJobs(['waiting']);
    expect(jobs.map((j) => [j.name, j.id]).sort()).toEqual([
      ['produce-report', 'report__monthly__tongzhou__2024-02__2024-04-05'],
      ['produce-report', 'report__monthly__tongzhou__2024-03__2024-04-05'],
    ]);
    expect(jobs.find((j) => j.id!.includes('2024-03'))!.data).toEqual({
      kind: 'monthly',
      scopeId: 'tongzhou',
      periodKey: '2024-03',
      reason: 'schedule',
      force: false,
    });
    await queues.reports.drain();
  });

  it('produce-report archives a new version and queues its e-mail; e-mail-report delivers it', async () => {
    const produced = (await produceReportJob.handle(
      { kind: 'monthly', scopeId: 'tongzhou', periodKey: '2024-03', reason: 'schedule', force: false },
      ctx,
    )) as { status: string; reportId: number; version: number };
    expect(produced).toMatchObject({ status: 'created', version: 1 });
    const queued = await queues.reports.getJobs(['waiting']);
    expect(queued.map((j) => [j.name, j.data])).toEqual([['email-report', { reportId: produced.reportId }]]);

    const again = (await produceReportJob.handle(
      { kind: 'monthly', scopeId: 'tongzhou', periodKey: '2024-03', reason: 'revision', force: false },
      ctx,
    )) as { status: string };
    expect(again.status).toBe('unchanged');
    expect(await queues.reports.getWaitingCount()).toBe(1);

    const sent = await emailReportJob.handle({ reportId: produced.reportId }, ctx);
    expect(sent).toEqual({ sent: 1, skipped: 0, failed: 0 });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).toEqual(['office@tz.example.cn']);
    expect(mail!.parsed.attachments.some((a) => a.filename?.endsWith('（第1版）.pdf'))).toBe(true);
  });
});
