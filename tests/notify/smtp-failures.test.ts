/**
 * SMTP answering 421 for a while: the delivery is retried with backoff (times from the injected clock,
 * persisted on the row) and arrives once. Answering 550: the delivery is recorded as failed, the fallback
 * channel (SMS) is used and an operational alert is raised — which resolves after the next successful
 * delivery to that contact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE, shanghaiInstant } from '../../services/time/shanghai.js';
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
  // The water bureau is the main unit (e-mail to both its contacts, SMS to the engineer).
  await insertTarget(db.pool, {
    id: 'T-SMTP-01',
    main_units: ['water_bureau'],
    assist_units: [],
    lead_officials: [],
  });
  // The water bureau only assists: e-mail, no SMS.
  await insertTarget(db.pool, {
    id: 'T-SMTP-02',
    main_units: ['eeb'],
    assist_units: ['water_bureau'],
    lead_officials: [],
  });
  await insertTarget(db.pool, {
    id: 'T-SMTP-03',
    main_units: ['eeb'],
    assist_units: ['water_bureau'],
    lead_officials: [],
  });
  h = await startHarness(db, { now: shanghaiInstant('2024-04-08', 9, 0) });
});

afterAll(async () => {
  await h?.close();
});

describe('SMTP 421 for a while', () => {
  it('retries with exponential backoff and delivers once the server recovers', async () => {
    h.smtp.failWith(421, 'try again later');
    await recordTestEvaluation(db.pool, {
      targetId: 'T-SMTP-01',
      scopeId: 'beiyuan',
      periodKey: '2024',
      status: 'breached',
      asOf: '2024-04-07',
    });
    await h.gateway.waitFor(1); // the SMS to the engineer is not held up by the mail server
    await h.settle();
    const first = await db.pool.query<{
      status: string;
      attempts: number;
      not_before: Date;
      last_error_code: string;
    }>(
      `SELECT status, attempts, not_before, last_error_code FROM delivery WHERE channel = 'email' AND recipient_id = 'water.duty'`,
    );
    expect(first.rows[0]).toMatchObject({ status: 'deferred', attempts: 1, last_error_code: '421' });
    const wait1 = first.rows[0]!.not_before.getTime() - h.clock.now().getTime();
    expect(wait1).toBeGreaterThanOrEqual(24_000); // 30 s ± 20 %
    expect(wait1).toBeLessThanOrEqual(36_000);

    h.clock.advance(1 * MINUTE);
    await h.sweep();
    await h.settle();
    const second = await db.pool.query<{ attempts: number; not_before: Date }>(
      `SELECT attempts, not_before FROM delivery WHERE channel = 'email' AND recipient_id = 'water.duty'`,
    );
    expect(second.rows[0]!.attempts).toBe(2);
    expect(second.rows[0]!.not_before.getTime() - h.clock.now().getTime()).toBeGreaterThanOrEqual(48_000); // 60 s ± 20 %

    h.smtp.failWith(null);
    h.clock.advance(2 * MINUTE);
    await h.sweep();
    await h.smtp.waitFor(2);
    await h.settle();
    expect(h.smtp.messages.map((m) => m.to[0]).sort()).toEqual([
      'water.duty@example.gov.cn',
      'water.engineer@example.gov.cn',
    ]);
    const attempts = await db.pool.query<{ outcome: string; response_code: string | null }>(
      `SELECT a.outcome, a.response_code FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id
        WHERE d.recipient_id = 'water.duty' ORDER BY a.attempt_no`,
    );
    expect(attempts.rows).toEqual([
      { outcome: 'temporary_failure', response_code: '421' },
      { outcome: 'temporary_failure', response_code: '421' },
      { outcome: 'sent', response_code: null },
    ]);
    expect(await count(db.pool, `SELECT count(*)::int AS n FROM alert WHERE kind = 'operational'`)).toBe(0);
  });
});

describe('SMTP 550', () => {
  it('fails the delivery, uses the fallback channel and raises an operational alert', async () => {
    h.smtp.messages.length = 0;
    h.gateway.messages.length = 0;
    h.smtp.refuseRecipient('water.engineer@example.gov.cn', 550);
    await recordTestEvaluation(db.pool, {
      targetId: 'T-SMTP-02',
      scopeId: 'beiyuan',
      periodKey: '2024',
      status: 'breached',
      asOf: '2024-04-08',
    });
    await h.gateway.waitFor(2); // eeb.duty as main unit, and the engineer's fallback
    await h.settle();

    const failed = await db.pool.query<{
      id: number;
      status: string;
      last_error_code: string;
      attempts: number;
    }>(
      `SELECT id, status, last_error_code, attempts FROM delivery WHERE recipient_id = 'water.engineer' AND channel = 'email' AND step = 'open:1'
         AND alert_id = (SELECT id FROM alert WHERE target_id = 'T-SMTP-02')`,
    );
    expect(failed.rows[0]).toMatchObject({ status: 'failed', last_error_code: '550', attempts: 1 });
    const attempt = await db.pool.query(
      `SELECT outcome, response_code FROM delivery_attempt WHERE delivery_id = $1`,
      [failed.rows[0]!.id],
    );
    expect(attempt.rows).toEqual([{ outcome: 'permanent_failure', response_code: '550' }]);

    const fallback = await db.pool.query(
      `SELECT channel, step, status FROM delivery WHERE fallback_of = $1`,
      [failed.rows[0]!.id],
    );
    expect(fallback.rows).toEqual([{ channel: 'sms', step: 'open:1~fallback', status: 'sent' }]);
    expect(h.gateway.messages.map((m) => m.phone).sort()).toEqual(
      [local(PHONE.eeb), local(PHONE.waterEngineer)].sort(),
    );

    const ops = await db.pool.query<{ id: number; state: string; title_zh: string }>(
      `SELECT id, state, title_zh FROM alert WHERE kind = 'operational' AND dedupe_key = 'ops|delivery|water.engineer@example.gov.cn|email'`,
    );
    expect(ops.rows).toHaveLength(1);
    expect(ops.rows[0]!.state).toBe('firing');
    expect(ops.rows[0]!.title_zh).toContain('water.engineer');
    // The operators (contacts of ALERT_OPS_UNITS = eeb) hear of it, in their language.
    const opsMails = h.smtp.messages.filter((m) => (m.parsed.subject ?? '').includes('water.engineer'));
    expect(opsMails.map((m) => m.to[0]).sort()).toEqual([
      'eeb.duty@example.gov.cn',
      'eeb.liaison@example.gov.cn',
    ]);
    expect(opsMails.find((m) => m.to[0] === 'eeb.liaison@example.gov.cn')!.parsed.subject).toMatch(
      /^\[Delivery failed\]/,
    );
  });

  it('resolves the operational alert after the next successful delivery to that contact', async () => {
    h.smtp.refuseRecipient('water.engineer@example.gov.cn', null);
    await recordTestEvaluation(db.pool, {
      targetId: 'T-SMTP-03',
      scopeId: 'beiyuan',
      periodKey: '2024',
      status: 'breached',
      asOf: '2024-04-08',
    });
    await h.settle();
    expect(h.smtp.messages.some((m) => m.to[0] === 'water.engineer@example.gov.cn')).toBe(true);
    const { rows } = await db.pool.query(
      `SELECT state, resolved_reason FROM alert WHERE dedupe_key = 'ops|delivery|water.engineer@example.gov.cn|email'`,
    );
    expect(rows[0]).toMatchObject({ state: 'resolved' });
  });
});
