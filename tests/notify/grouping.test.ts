/**
 * Grouping per recipient (issue #14, item 4): what becomes due for one person within group_wait goes out
 * as ONE e-mail and ONE SMS listing every alert, each e-mail item with its own acknowledgement link; the
 * next message to the same person waits for group_interval. Real SMTP and SMS fakes, real PostgreSQL and
 * Redis, the production workers, a ManualClock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledgeAlert } from '../../services/alerts/lifecycle.js';
import { MINUTE, shanghaiInstant } from '../../services/time/shanghai.js';
import {
  count,
  insertTarget,
  PHONE,
  local,
  recordTestEvaluation,
  seedDirectory,
} from '../alerts/fixtures.js';
import { startHarness, type Harness } from '../alerts/harness.js';
import { useTestDatabase } from '../helpers/test-db.js';

const db = useTestDatabase();
let h: Harness;
const N = 30;
const targetIds = Array.from({ length: N + 2 }, (_, i) => `T-GRP-${String(i + 1).padStart(2, '0')}`);

const breach = (targetId: string) =>
  recordTestEvaluation(db.pool, {
    targetId,
    scopeId: 'yongshun',
    periodKey: '2024',
    status: 'breached',
    asOf: '2024-06-30',
  });

beforeAll(async () => {
  await seedDirectory(db.pool);
  // Thirty hard targets whose only responsible unit is the Yongshun town government (one contact).
  for (const [i, id] of targetIds.entries()) {
    await insertTarget(db.pool, {
      id,
      title_zh: `第${i + 1}项目标PM2.5累计浓度不高于35微克/立方米`,
      title_en: `Target ${i + 1}: cumulative PM2.5 at most 35 µg/m³`,
      main_units: ['gov_yongshun'],
      assist_units: [],
      lead_officials: [],
    });
  }
  h = await startHarness(db, {
    now: shanghaiInstant('2024-07-01', 10, 0), // a Monday, a working day
    env: {
      ALERT_GROUP_WAIT_SECONDS: '120',
      ALERT_GROUP_INTERVAL_SECONDS: '1800',
      ALERT_GROUP_URGENT_WAIT_SECONDS: '10',
    },
  });
});

afterAll(async () => {
  await h?.close();
});

describe('grouping per recipient', () => {
  it('sends 30 alerts that become due for one official within group_wait as 1 e-mail and 1 SMS', async () => {
    for (const id of targetIds.slice(0, N)) await breach(id);
    await h.settle();
    // Thirty alerts, sixty unique delivery rows planned before anything was sent — and nothing sent yet.
    expect(await count(db.pool, `SELECT count(*)::int AS n FROM alert`)).toBe(N);
    expect(await count(db.pool, `SELECT count(*)::int AS n FROM delivery WHERE mode = 'group'`)).toBe(2 * N);
    expect(h.smtp.messages).toHaveLength(0);
    expect(h.gateway.messages).toHaveLength(0);

    h.clock.advance(2 * MINUTE - 1000);
    await h.sweep();
    await h.settle();
    expect(h.smtp.messages).toHaveLength(0);

    h.clock.advance(1000);
    await h.sweep();
    await h.settle();
    expect(h.smtp.messages).toHaveLength(1);
    expect(h.gateway.messages).toHaveLength(1);
    const mail = h.smtp.messages[0]!;
    expect(mail.to).toEqual(['yongshun@example.gov.cn']);
    expect(mail.parsed.subject).toContain(`${N} 项环境目标预警`);
    const text = mail.parsed.text ?? '';
    const links = new Set(text.match(/https:\/\/envwatch\.example\.gov\.cn\/\S+/g) ?? []);
    expect(links.size).toBe(N); // every alert has its own acknowledgement link
    for (let i = 1; i <= N; i++) expect(text).toContain(`第${i}项目标`);
    const sms = h.gateway.messages[0]!;
    expect(sms.phone).toBe(local(PHONE.yongshun));
    expect(sms.text).toContain(`${N}项环境目标预警`);
    expect([...sms.text].length).toBeLessThanOrEqual(70);
    // Each item is in exactly one message: the head that went out.
    const { rows } = await db.pool.query<{ channel: string; items: number; status: string }>(
      `SELECT h.channel, h.status, count(i.id)::int AS items FROM delivery h JOIN delivery i ON i.digest_id = h.id
        WHERE h.step LIKE 'group:%' GROUP BY h.id, h.channel, h.status ORDER BY h.channel`,
    );
    expect(rows).toEqual([
      { channel: 'email', status: 'sent', items: N },
      { channel: 'sms', status: 'sent', items: N },
    ]);
  });

  it('holds the next alert for the same person until group_interval after the last message', async () => {
    h.clock.advance(3 * MINUTE);
    await breach(targetIds[N]!);
    await h.settle();
    h.clock.advance(2 * MINUTE);
    await h.sweep();
    await h.settle();
    expect(h.smtp.messages).toHaveLength(1); // group_wait is over, group_interval is not
    h.clock.advance(25 * MINUTE); // 30 minutes after the first message
    await h.sweep();
    await h.settle();
    expect(h.smtp.messages).toHaveLength(2);
    expect(h.gateway.messages).toHaveLength(2);
    // A group of one is titled by its alert (docs/decisions.md, grouping per recipient).
    expect(h.smtp.messages[1]!.parsed.subject).toMatch(/^【未达标】.*第\d+项目标PM2\.5/);
    expect(h.gateway.messages[1]!.text).toContain('1项环境目标预警');
  });

  it('leaves out an alert acknowledged before its group goes, and sends nothing when none is left', async () => {
    h.clock.advance(40 * MINUTE);
    await breach(targetIds[N + 1]!);
    await h.settle();
    const { rows } = await db.pool.query<{ id: number }>(`SELECT id FROM alert WHERE target_id = $1`, [
      targetIds[N + 1],
    ]);
    const ack = await acknowledgeAlert(db.pool, {
      alertId: rows[0]!.id,
      actor: 'contact:gov_yongshun.liaison',
      at: h.clock.now(),
    });
    expect(ack.cancelledDeliveries).toBe(2); // its e-mail and SMS items
    h.clock.advance(2 * MINUTE);
    await h.sweep();
    await h.settle();
    expect(h.smtp.messages).toHaveLength(2);
    expect(h.gateway.messages).toHaveLength(2);
    const heads = await db.pool.query<{ status: string; last_error: string }>(
      `SELECT status, last_error FROM delivery WHERE step LIKE 'group:%' ORDER BY id DESC LIMIT 2`,
    );
    expect(heads.rows).toEqual([
      { status: 'cancelled', last_error: 'nothing left to send' },
      { status: 'cancelled', last_error: 'nothing left to send' },
    ]);
  });
});
