/**
 * The SMS gateway adapter against a local gateway speaking the provider protocol: HTTP 429/5xx are retried
 * with backoff; a refused number stops, the e-mail channel covers the person and an operational alert is
 * raised; the per-phone daily cap is enforced by the service (Shanghai day), not left to the provider.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, MINUTE, shanghaiInstant } from '../../services/time/shanghai.js';
import {
  count,
  insertTarget,
  local,
  PHONE,
  recordTestEvaluation,
  seedDirectory,
} from '../alerts/fixtures.js';
import { startHarness, type Harness } from '../alerts/harness.js';
import { useTestDatabase } from '../helpers/test-db.js';

const db = useTestDatabase();
let h: Harness;

beforeAll(async () => {
  await seedDirectory(db.pool);
  for (const id of ['T-SMS-01', 'T-SMS-02', 'T-SMS-03', 'T-SMS-04', 'T-SMS-05', 'T-SMS-06']) {
    await insertTarget(db.pool, { id, assist_units: [], lead_officials: [] });
  }
  h = await startHarness(db, {
    now: shanghaiInstant('2024-05-06', 10, 0),
    env: { SMS_DAILY_CAP_PER_PHONE: '2' },
  });
});

afterAll(async () => {
  await h?.close();
});

const smsOf = (targetId: string) =>
  db.pool.query<{ id: number; status: string; attempts: number; last_error_code: string | null }>(
    `SELECT d.id, d.status, d.attempts, d.last_error_code FROM delivery d JOIN alert a ON a.id = d.alert_id
      WHERE a.target_id = $1 AND d.channel = 'sms'`,
    [targetId],
  );

describe('the SMS gateway answering 503, then 429', () => {
  it('retries with backoff until the gateway accepts', async () => {
    h.gateway.failWith(503);
    await recordTestEvaluation(db.pool, {
      targetId: 'T-SMS-01',
      scopeId: 'yongshun',
      periodKey: '2024',
      status: 'breached',
      asOf: '2024-05-05',
    });
    await h.smtp.waitFor(1);
    await h.settle();
    expect((await smsOf('T-SMS-01')).rows[0]).toMatchObject({
      status: 'deferred',
      attempts: 1,
      last_error_code: 'http-503',
    });
    h.gateway.failWith(429);
    h.clock.advance(1 * MINUTE);
    await h.sweep();
    await h.settle();
    expect((await smsOf('T-SMS-01')).rows[0]).toMatchObject({
      status: 'deferred',
      attempts: 2,
      last_error_code: 'http-429',
    });
    h.gateway.failWith(null);
    h.clock.advance(2 * MINUTE);
    await h.sweep();
    await h.gateway.waitFor(1);
    await h.settle();
    expect((await smsOf('T-SMS-01')).rows[0]).toMatchObject({ status: 'sent', attempts: 3 });
    expect(h.gateway.messages.map((m) => m.phone)).toEqual([local(PHONE.yongshun)]);
  });
});

describe('a refused number', () => {
  it('is not retried; the person is covered by e-mail and the operators are told', async () => {
    h.gateway.refuse(PHONE.luyi);
    await recordTestEvaluation(db.pool, {
      targetId: 'T-SMS-02',
      scopeId: 'luyi',
      periodKey: '2024',
      status: 'breached',
      asOf: '2024-05-05',
    });
    await h.settle();
    expect((await smsOf('T-SMS-02')).rows[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error_code: 'isv.MOBILE_NUMBER_ILLEGAL',
    });
    expect(h.smtp.messages.some((m) => m.to[0] === 'luyi@example.gov.cn')).toBe(true);
    // The same occasion already went out by e-mail: no second e-mail as "fallback".
    expect(await count(db.pool, `SELECT count(*)::int AS n FROM delivery WHERE step LIKE '%~fallback'`)).toBe(
      0,
    );
    const ops = await db.pool.query<{ body_zh: string }>(
      `SELECT body_zh FROM alert WHERE dedupe_key = 'ops|delivery|' || (SELECT mobile FROM contact WHERE id = 'gov_luyi.liaison') || '|sms'`,
    );
    expect(ops.rows[0]!.body_zh).toContain('isv.MOBILE_NUMBER_ILLEGAL');
    expect(ops.rows[0]!.body_zh).toContain('已改用邮件发送');
  });
});

describe('the per-phone daily cap', () => {
  it('stops SMS to a number at the cap for the rest of the Shanghai day, and e-mail still goes', async () => {
    // T-SMS-01 already sent one SMS to Yongshun today; the cap is 2.
    await recordTestEvaluation(db.pool, {
      targetId: 'T-SMS-03',
      scopeId: 'yongshun',
      periodKey: '2024',
      status: 'breached',
      asOf: '2024-05-05',
    });
    await h.settle();
    await recordTestEvaluation(db.pool, {
      targetId: 'T-SMS-04',
      scopeId: 'yongshun',
      periodKey: '2024',
      status: 'breached',
      asOf: '2024-05-05',
    });
    await h.settle();
    expect((await smsOf('T-SMS-03')).rows[0]).toMatchObject({ status: 'sent' });
    expect((await smsOf('T-SMS-04')).rows[0]).toMatchObject({
      status: 'failed',
      last_error_code: 'daily-cap',
    });
    expect(h.gateway.messages.filter((m) => m.phone === local(PHONE.yongshun))).toHaveLength(2);
    expect(h.smtp.messages.filter((m) => m.to[0] === 'yongshun@example.gov.cn')).toHaveLength(3);

    h.clock.advance(1 * DAY); // a new Shanghai day: the cap starts again
    await recordTestEvaluation(db.pool, {
      targetId: 'T-SMS-05',
      scopeId: 'yongshun',
      periodKey: '2024',
      status: 'breached',
      asOf: '2024-05-06',
    });
    await h.settle();
    expect((await smsOf('T-SMS-05')).rows[0]).toMatchObject({ status: 'sent' });
  });
});

describe('SMS texts', () => {
  it('are rendered from the approved templates; an alert carries its acknowledgement link within two segments', async () => {
    await recordTestEvaluation(db.pool, {
      targetId: 'T-SMS-06',
      scopeId: 'beiyuan',
      periodKey: '2024',
      status: 'breached',
      asOf: '2024-05-06',
    });
    await h.settle();
    const sms = h.gateway.messages.find((m) => m.phone === local(PHONE.beiyuan))!;
    expect(sms.templateCode).toBe('ENVWATCH_ALERT_ACK');
    expect(sms.text).toMatch(/^【通州生态环境】北苑街道“/);
    expect(sms.text).toMatch(/确认：https:\/\/envwatch\.example\.gov\.cn\/a\/[A-Za-z0-9_-]{10,16}$/);
    for (const m of h.gateway.messages) expect([...m.text].length).toBeLessThanOrEqual(2 * 67);
    // Messages without a link still fit one SMS of 70 characters.
    for (const m of h.gateway.messages.filter((x) => !x.templateCode.endsWith('_ACK')))
      expect([...m.text].length).toBeLessThanOrEqual(70);
  });
});
