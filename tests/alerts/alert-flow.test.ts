/**
 * Acceptance: a hard-target breach reaches the main unit by e-mail and SMS (the assisting unit is copied by
 * e-mail), reaches the lead official after the escalation delay (injected clock), and nobody after the
 * acknowledgement link is used — not even when the deadline passes. Real SMTP server, local SMS gateway,
 * real BullMQ workers.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAlertAckRoutes } from '../../services/web/ack-routes.js';
import { HOUR, MINUTE, shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { count, insertTarget, local, PHONE, recordTestEvaluation, seedDirectory } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

const db = useTestDatabase();
let h: Harness;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  await seedDirectory(db.pool);
  await insertTarget(db.pool, { id: 'T-FLOW-01' });
  h = await startHarness(db, { now: shanghaiInstant('2024-03-05', 10, 0) });
  app = Fastify();
  await registerAlertAckRoutes(app, { db: db.pool, clock: h.clock, config: h.config });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app?.close();
  await h?.close();
});

describe('a hard-target breach', () => {
  it('reaches the main unit by e-mail and SMS and copies the assisting unit by e-mail only', async () => {
    await recordTestEvaluation(db.pool, {
      targetId: 'T-FLOW-01',
      scopeId: 'beiyuan',
      periodKey: '2024',
      status: 'breached',
      asOf: '2024-03-04',
      value: 48.2,
    });
    await h.smtp.waitFor(3);
    await h.gateway.waitFor(1);
    await h.settle();

    const byRecipient = new Map(h.smtp.messages.map((m) => [m.to[0], m]));
    expect([...byRecipient.keys()].sort()).toEqual([
      'beiyuan@example.gov.cn',
      'water.duty@example.gov.cn',
      'water.engineer@example.gov.cn',
    ]);
    const main = byRecipient.get('beiyuan@example.gov.cn')!;
    expect(main.parsed.subject).toBe('【未达标】北苑街道 · PM2.5累计浓度不高于35微克/立方米（2024）');
    expect(main.parsed.text).toContain('贵单位为该目标的主责单位');
    expect(main.parsed.text).toContain('48.2');
    expect(main.parsed.text).toMatch(/https:\/\/envwatch\.example\.gov\.cn\/ack\/\S+/);
    expect(main.parsed.html).toContain('确认收到');
    // Dated by the application clock (a replay dates its mail in the replayed time).
    expect(main.parsed.date).toEqual(shanghaiInstant('2024-03-05', 10, 0));
    expect(byRecipient.get('water.duty@example.gov.cn')!.parsed.text).toContain('协办单位');

    expect(h.gateway.messages).toHaveLength(1);
    const sms = h.gateway.messages[0]!;
    expect(sms.phone).toBe(local(PHONE.beiyuan));
    expect(sms.text).toContain('北苑街道');
    // With its acknowledgement link the alert SMS may take two segments (SMS_ACK_MAX_SEGMENTS).
    expect(sms.text).toMatch(/https:\/\/envwatch\.example\.gov\.cn\/a\/[A-Za-z0-9_-]+$/);
    expect([...sms.text].length).toBeLessThanOrEqual(2 * 67);

    const rows = await db.pool.query<{
      recipient_id: string;
      channel: string;
      status: string;
      provider_message_id: string | null;
    }>(
      `SELECT recipient_id, channel, status, provider_message_id FROM delivery ORDER BY recipient_id, channel`,
    );
    expect(rows.rows.map((r) => [r.recipient_id, r.channel, r.status])).toEqual([
      ['gov_beiyuan.liaison', 'email', 'sent'],
      ['gov_beiyuan.liaison', 'sms', 'sent'],
      ['water.duty', 'email', 'sent'],
      ['water.engineer', 'email', 'sent'],
    ]);
    expect(rows.rows.every((r) => r.provider_message_id)).toBe(true);
    expect(
      await count(
        db.pool,
        `SELECT count(*)::int AS n FROM delivery_attempt WHERE outcome = 'sent' AND provider_message_id IS NOT NULL`,
      ),
    ).toBe(4);
  });

  it('does not escalate before the delay', async () => {
    h.clock.advance(119 * MINUTE);
    await h.sweep();
    await h.settle();
    expect(h.smtp.messages).toHaveLength(3);
  });

  it('reaches the lead official once the escalation delay has passed unacknowledged', async () => {
    h.clock.advance(1 * MINUTE);
    const summary = await h.sweep();
    expect(summary['escalation.escalated']).toBe(1);
    await h.smtp.waitFor(4);
    await h.gateway.waitFor(2);
    await h.settle();
    const lead = h.smtp.messages[3]!;
    expect(lead.to).toEqual(['yao@example.gov.cn']);
    expect(lead.parsed.subject).toMatch(/^【督办】/);
    expect(lead.parsed.text).toContain('2小时未确认');
    expect(h.gateway.messages[1]!.phone).toBe(local(PHONE.yao));
    // A second sweep at the same time changes nothing.
    await h.sweep();
    await h.settle();
    expect(h.smtp.messages).toHaveLength(4);
  });

  it('tells nobody anything more after the acknowledgement link is used, even past the deadline', async () => {
    const mainMail = h.smtp.messages.find((m) => m.to[0] === 'beiyuan@example.gov.cn')!;
    const link = /https:\/\/envwatch\.example\.gov\.cn(\/ack\/\S+)/.exec(mainMail.parsed.text ?? '')![1]!;
    const page = await fetch(`${base}${link}`);
    expect(page.status).toBe(200);
    expect(await count(db.pool, `SELECT count(*)::int AS n FROM alert WHERE state = 'acknowledged'`)).toBe(0); // GET never acknowledges
    const posted = await fetch(`${base}${link}`, {
      method: 'POST',
      body: new URLSearchParams({ comment: '已安排道路保洁加密' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toContain('已确认收到');

    const { rows } = await db.pool.query(
      `SELECT state, acknowledged_by, ack_comment, next_escalation_at FROM alert`,
    );
    expect(rows[0]).toMatchObject({
      state: 'acknowledged',
      acknowledged_by: 'contact:gov_beiyuan.liaison',
      ack_comment: '已安排道路保洁加密',
      next_escalation_at: null,
    });

    h.clock.set(shanghaiInstant('2025-01-01', 9, 0));
    await h.sweep();
    h.clock.advance(24 * HOUR);
    await h.sweep();
    await h.settle();
    expect(h.smtp.messages).toHaveLength(4);
    expect(h.gateway.messages).toHaveLength(2);
  });
});
