/**
 * The walking skeleton through every stage, on the real components: a CSV of hourly PM2.5 dropped for
 * ingestion → measurements → rollups → one district target ("YTD mean ≤ 35 µg/m³") evaluated → an alert
 * → one e-mail accepted by a real SMTP server started by this test. Work flows through BullMQ workers.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { createAppContext, type AppContext } from '../../services/runtime/app-context.js';
import { startRoles, type RunningRoles } from '../../services/runtime/start-roles.js';
import { upsertPlanFile } from '../../services/targets/target-queries.js';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp-catcher.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { createTestRedis, deleteKeysWithPrefix, uniqueQueuePrefix } from '../helpers/test-redis.js';
import { insertSkeletonReference, skeletonPlan } from './skeleton-fixtures.js';

const db = useTestDatabase();
const prefix = uniqueQueuePrefix();
let smtp: SmtpCatcher;
let ctx: AppContext;
let roles: RunningRoles;

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  await insertSkeletonReference(db.pool);
  await upsertPlanFile(db.pool, skeletonPlan());
  const config = loadConfig({
    DATABASE_URL: db.url,
    SMTP_URL: smtp.url,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    // Grouped per recipient as in production, but after a 1 s wait instead of the default 2 minutes.
    ALERT_GROUP_WAIT_SECONDS: '1',
  });
  ctx = createAppContext(config);
  roles = await startRoles(ctx, ['workers']);
});

afterAll(async () => {
  await roles?.stop();
  await smtp?.close();
  const redis = createTestRedis();
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

describe('walking skeleton', () => {
  it('turns a CSV of hourly PM2.5 into an e-mail to the responsible unit', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'envwatch-skeleton-'));
    const file = path.join(dir, 'pm25.csv');
    const lines = ['time,series,metric,value,unit'];
    for (let day = 1; day <= 3; day++) {
      for (let hour = 0; hour < 24; hour++) {
        const t = `2024-01-0${day}T${String(hour).padStart(2, '0')}:00:00+08:00`;
        lines.push(`${t},北苑街道,pm25,80,µg/m³`);
      }
    }
    await writeFile(file, `${lines.join('\n')}\n`);

    await ctx.enqueue('ingest-file', { path: file, sourceId: 'skeleton-csv' });
    const [mail] = await smtp.waitFor(1, 30_000);

    expect(mail!.to).toEqual(['eeb-duty@example.gov.cn']);
    expect(mail!.parsed.subject).toContain('有风险');
    expect(mail!.parsed.subject).toContain('PM2.5');
    expect(mail!.parsed.text).toContain('80.0');

    const count = async (sql: string) => (await db.pool.query<{ n: number }>(sql)).rows[0]!.n;
    expect(await count('SELECT count(*)::int AS n FROM measurement')).toBe(72);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM ingest_batch WHERE status = 'done' AND received = 72 AND inserted = 72`,
      ),
    ).toBe(1);
    expect(
      await count(`SELECT count(*)::int AS n FROM scope_daily WHERE scope_id = 'tongzhou' AND valid`),
    ).toBe(3);
    const ev = await db.pool.query<{ status: string; value: number }>(
      `SELECT e.status, e.value FROM evaluation_current c JOIN evaluation e ON e.id = c.evaluation_id
        WHERE c.target_id = 'SKEL-AIR-01' AND c.scope_id = 'tongzhou' AND c.period_key = '2024'`,
    );
    expect(ev.rows[0]).toEqual({ status: 'at_risk', value: 80 });
    expect(
      await count(
        `SELECT count(*)::int AS n FROM alert WHERE state = 'firing' AND target_id = 'SKEL-AIR-01'`,
      ),
    ).toBe(1);
    // The delivery is marked sent just after the SMTP server's 250: poll briefly rather than sleep.
    const deadline = Date.now() + 10_000;
    while (
      Date.now() < deadline &&
      (await count(`SELECT count(*)::int AS n FROM delivery WHERE status = 'sent'`)) < 1
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await count(`SELECT count(*)::int AS n FROM delivery WHERE status = 'sent'`)).toBe(1);
    expect(smtp.messages).toHaveLength(1);
  });
});
