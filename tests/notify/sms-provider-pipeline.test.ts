/**
 * The alert pipeline with SMS through the Aliyun provider (a local fake that verifies signatures): a
 * throttled send is retried, an account problem fails over to e-mail with ONE operational alert about the
 * provider account (resolved by the next successful send), and the carriers' delivery reports move
 * deliveries to delivered, or to failed with the contact covered by e-mail and the operators told.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAlertAckRoutes } from '../../services/web/ack-routes.js';
import { pollSmsReceipts } from '../../services/notify/poll-receipts.js';
import { DAY, MINUTE, shanghaiInstant } from '../../services/time/shanghai.js';
import { insertTarget, local, PHONE, recordTestEvaluation, seedDirectory } from '../alerts/fixtures.js';
import { startHarness, type Harness } from '../alerts/harness.js';
import type { AliyunFake } from '../helpers/sms-aliyun-fake.js';
import { useTestDatabase } from '../helpers/test-db.js';

const db = useTestDatabase();
let h: Harness;
let aliyun: AliyunFake;

beforeAll(async () => {
  await seedDirectory(db.pool);
  for (const id of ['T-PRV-01', 'T-PRV-02', 'T-PRV-03', 'T-PRV-04', 'T-PRV-05', 'T-PRV-06']) {
    await insertTarget(db.pool, { id, assist_units: [], lead_officials: [] });
  }
  h = await startHarness(db, { now: shanghaiInstant('2024-05-06', 10, 0), sms: 'aliyun' });
  aliyun = h.aliyun!;
});

afterAll(async () => {
  await h?.close();
});

const breach = (targetId: string, scopeId: string) =>
  recordTestEvaluation(db.pool, {
    targetId,
    scopeId,
    periodKey: '2024',
    status: 'breached',
    asOf: '2024-05-05',
  });

const smsOf = async (targetId: string) =>
  (
    await db.pool.query<{
      id: number;
      status: string;
      last_error_code: string | null;
      provider_message_id: string | null;
      receipt_status: string | null;
      receipt_code: string | null;
      step: string;
      recipient_id: string;
      address: string;
    }>(
      `SELECT d.id, d.status, d.last_error_code, d.provider_message_id, d.receipt_status, d.receipt_code, d.step, d.recipient_id, d.address
         FROM delivery d JOIN alert a ON a.id = d.alert_id WHERE a.target_id = $1 AND d.channel = 'sms'
        ORDER BY d.id LIMIT 1`,
      [targetId],
    )
  ).rows[0]!;

const poll = () =>
  pollSmsReceipts(
    { db: db.pool, clock: h.clock, sms: h.channels.sms, outcomes: h.deps.outcomes, logger: h.deps.logger },
    { windowMs: 3 * DAY },
  );

describe('Aliyun throttling (isv.BUSINESS_LIMIT_CONTROL)', () => {
  it('is retried with backoff and then sent', async () => {
    aliyun.script('isv.BUSINESS_LIMIT_CONTROL');
    await breach('T-PRV-01', 'yongshun');
    await h.settle();
    expect(await smsOf('T-PRV-01')).toMatchObject({
      status: 'deferred',
      last_error_code: 'isv.BUSINESS_LIMIT_CONTROL',
    });
    h.clock.advance(2 * MINUTE);
    await h.sweep();
    await h.settle();
    expect((await smsOf('T-PRV-01')).status).toBe('sent');
    expect(aliyun.messages.filter((m) => m.phone === local(PHONE.yongshun))).toHaveLength(1);
  });
});

describe('Aliyun insufficient balance (isv.AMOUNT_NOT_ENOUGH)', () => {
  it('fails the SMS, the e-mail still goes, and one operational alert names the account problem', async () => {
    aliyun.script('isv.AMOUNT_NOT_ENOUGH');
    await breach('T-PRV-02', 'luyi');
    await h.settle();
    expect(await smsOf('T-PRV-02')).toMatchObject({
      status: 'failed',
      last_error_code: 'isv.AMOUNT_NOT_ENOUGH',
    });
    expect(h.smtp.messages.some((m) => m.to[0] === 'luyi@example.gov.cn')).toBe(true);
    const ops = await db.pool.query<{ state: string; body_zh: string }>(
      `SELECT state, body_zh FROM alert WHERE dedupe_key = 'ops|provider|sms'`,
    );
    expect(ops.rows).toHaveLength(1);
    expect(ops.rows[0]!.state).toBe('firing');
    expect(ops.rows[0]!.body_zh).toContain('isv.AMOUNT_NOT_ENOUGH');
    // Not filed against the contact: the number is fine.
    const perContact = await db.pool.query(`SELECT 1 FROM alert WHERE dedupe_key LIKE 'ops|delivery|%|sms'`);
    expect(perContact.rowCount).toBe(0);

    await breach('T-PRV-03', 'beiyuan'); // topped up: the next SMS goes and the account alert resolves
    await h.settle();
    expect((await smsOf('T-PRV-03')).status).toBe('sent');
    const after = await db.pool.query<{ state: string }>(
      `SELECT state FROM alert WHERE dedupe_key = 'ops|provider|sms'`,
    );
    expect(after.rows[0]!.state).toBe('resolved');
  });
});

describe('delivery receipts (QuerySendDetails)', () => {
  it('one report moves its delivery to delivered, another to failed with the contact covered by e-mail', async () => {
    await breach('T-PRV-04', 'yao');
    await breach('T-PRV-05', 'ni');
    await h.settle();
    const ok = await smsOf('T-PRV-04');
    const bad = await smsOf('T-PRV-05');
    expect([ok.status, bad.status]).toEqual(['sent', 'sent']);

    expect((await poll()).delivered).toBe(0); // the carriers have not answered yet
    aliyun.report(ok.provider_message_id!, 3);
    aliyun.report(bad.provider_message_id!, 2, 'MK:0001');
    const r = await poll();
    expect(r).toMatchObject({ delivered: 1, failed: 1 });
    await h.relay();
    await h.settle();

    expect(await smsOf('T-PRV-04')).toMatchObject({
      id: ok.id,
      status: 'sent',
      receipt_status: 'delivered',
      receipt_code: 'DELIVERED',
    });
    expect(await smsOf('T-PRV-05')).toMatchObject({
      id: bad.id,
      status: 'failed',
      receipt_status: 'failed',
      receipt_code: 'MK:0001',
      last_error_code: 'MK:0001',
    });
    // Covered by e-mail for the same occasion, and the operators are told about the number.
    const email = await db.pool.query<{ status: string }>(
      `SELECT status FROM delivery WHERE recipient_id = $1 AND channel = 'email' AND step = $2 AND alert_id = (SELECT alert_id FROM delivery WHERE id = $3)`,
      [bad.recipient_id, bad.step, bad.id],
    );
    expect(email.rows.map((x) => x.status)).toEqual(['sent']);
    const ops = await db.pool.query<{ body_zh: string }>(`SELECT body_zh FROM alert WHERE dedupe_key = $1`, [
      `ops|delivery|${bad.address}|sms`,
    ]);
    expect(ops.rows[0]!.body_zh).toContain('MK:0001');
    expect(ops.rows[0]!.body_zh).toContain('已改用邮件发送');
    expect((await poll()).failed).toBe(0); // a report is recorded once
  });
});

describe('acknowledging from the phone', () => {
  it('the link in the SMS, as the phone shows it, opens the alert page and acknowledges as that contact', async () => {
    await breach('T-PRV-06', 'yongshun');
    await h.settle();
    const sms = await smsOf('T-PRV-06');
    const got = aliyun.messages.find((m) => m.providerId === sms.provider_message_id)!;
    const url = /https:\/\/envwatch\.example\.gov\.cn(\/a\/[A-Za-z0-9_-]+)$/.exec(got.text)?.[1];
    expect(url).toBeDefined();
    const app = Fastify();
    await registerAlertAckRoutes(app, { db: db.pool, clock: h.clock, config: h.config });
    try {
      const page = await app.inject({ method: 'GET', url: url! });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`action="${url}"`);
      const done = await app.inject({
        method: 'POST',
        url: url!,
        payload: 'comment=%E5%B7%B2%E5%A4%84%E7%BD%AE',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(done.statusCode).toBe(200);
    } finally {
      await app.close();
    }
    const { rows } = await db.pool.query<{ state: string; acknowledged_by: string; ack_comment: string }>(
      `SELECT state, acknowledged_by, ack_comment FROM alert WHERE target_id = 'T-PRV-06'`,
    );
    expect(rows[0]).toEqual({
      state: 'acknowledged',
      acknowledged_by: `contact:${sms.recipient_id}`,
      ack_comment: '已处置',
    });
  });
});
