/**
 * A worker that dies holding a claim (status 'sending') leaves an attempt without an outcome. After the
 * lease expires the sweep decides from that evidence: a message that cannot be at the provider yet (an
 * e-mail not complete at the server, an SMS whose request had not left) is resent; one that may be there
 * (data_sent_at) is resent — with the same Message-ID / OutId — under the channel's policy resend (the
 * default), or held as 'unknown' with an operational alert under hold (EMAIL_/SMS_AMBIGUOUS_POLICY).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../../services/db/queryable.js';
import {
  getDelivery,
  insertAttempt,
  markDataSent,
  markSending,
} from '../../services/notify/delivery-queries.js';
import { recoverExpiredLeases } from '../../services/notify/recover-leases.js';
import { sendDelivery } from '../../services/notify/send-delivery.js';
import { syncTargetAlert } from '../../services/alerts/sync-target-alert.js';
import { MINUTE, shanghaiInstant } from '../../services/time/shanghai.js';
import { insertTarget, recordTestEvaluation, seedDirectory } from '../alerts/fixtures.js';
import { startHarness, type Harness } from '../alerts/harness.js';
import { useTestDatabase } from '../helpers/test-db.js';

const db = useTestDatabase();
let h: Harness;

beforeAll(async () => {
  await seedDirectory(db.pool);
  for (const id of ['T-LEASE-01', 'T-LEASE-02', 'T-LEASE-03', 'T-LEASE-04', 'T-LEASE-05', 'T-LEASE-06']) {
    await insertTarget(db.pool, { id, main_units: ['gov_yongshun'], assist_units: [], lead_officials: [] });
  }
  // No workers: the test plays the worker, and dies where it wants to.
  h = await startHarness(db, { now: shanghaiInstant('2024-06-03', 10, 0), workers: false });
});

afterAll(async () => {
  await h?.close();
});

async function openAlert(targetId: string): Promise<{ email: number; sms: number }> {
  const { evaluationId } = await recordTestEvaluation(db.pool, {
    targetId,
    scopeId: 'yongshun',
    periodKey: '2024',
    status: 'breached',
    asOf: '2024-06-02',
  });
  await syncTargetAlert(db.pool, evaluationId!, {
    now: h.clock.now(),
    settings: h.deps.settings,
    smsEnabled: true,
  });
  const { rows } = await db.pool.query<{ id: number; channel: 'email' | 'sms' }>(
    `SELECT d.id, d.channel FROM delivery d JOIN alert a ON a.id = d.alert_id WHERE a.target_id = $1`,
    [targetId],
  );
  return {
    email: rows.find((r) => r.channel === 'email')!.id,
    sms: rows.find((r) => r.channel === 'sms')!.id,
  };
}

/** What send-delivery's claim does, then the worker "dies": optionally after the provider got the message. */
async function claimThenDie(id: number, reachProvider: boolean): Promise<void> {
  const channel = (await getDelivery(db.pool, id))!.channel;
  const d = await withTransaction(db.pool, async (tx) => {
    const claimed = await markSending(tx, id, {
      leaseUntil: new Date(h.clock.now().getTime() + h.deps.settings.leaseMs),
      messageId: channel === 'email' ? `<envwatch.${id}.crash@example.gov.cn>` : `ew${id}-crash`,
      at: h.clock.now(),
    });
    await insertAttempt(tx, { deliveryId: id, attemptNo: claimed.attempts, at: h.clock.now() });
    return claimed;
  });
  if (!reachProvider) return;
  if (d.channel === 'sms') {
    await h.channels.sms.send(
      {
        phone: d.address,
        templateCode: 'ENVWATCH_ALERT',
        params: { scope: '永顺镇', target: 'PM2.5', period: '2024', status: '未达标' },
        paramOrder: ['scope', 'target', 'period', 'status'],
        outId: d.message_id!,
      },
      { beforeRequest: () => markDataSent(db.pool, id, d.attempts, h.clock.now()) },
    );
  } else {
    await h.channels.email.send(
      { to: d.address, subject: 'crash', text: 'crash', messageId: d.message_id! },
      { beforeDataEnd: () => markDataSent(db.pool, id, d.attempts, h.clock.now()) },
    );
  }
}

const ctx = (policy: 'resend' | 'hold' = 'resend') => ({
  now: h.clock.now(),
  settings: { ...h.deps.settings, emailAmbiguousPolicy: policy, smsAmbiguousPolicy: policy },
  outcomes: h.deps.outcomes,
});

describe('an SMS whose worker died after the gateway accepted it', () => {
  it('policy resend: resent with the same OutId after the lease expires (this gateway drops the repeat; real providers do not)', async () => {
    const { sms } = await openAlert('T-LEASE-01');
    await claimThenDie(sms, true);
    expect(h.gateway.messages).toHaveLength(1);

    expect((await recoverExpiredLeases(db.pool, ctx())).resent).toBe(0); // lease still running
    h.clock.advance(h.deps.settings.leaseMs + MINUTE);
    expect((await recoverExpiredLeases(db.pool, ctx())).resent).toBe(1);
    expect((await sendDelivery(h.deps, sms)).outcome).toBe('sent');

    expect(h.gateway.messages).toHaveLength(1);
    expect(h.gateway.duplicates).toBe(1);
    expect(h.gateway.requests.filter((r) => r.outId === `ew${sms}-crash`)).toHaveLength(2);
    const d = (await getDelivery(db.pool, sms))!;
    expect(d).toMatchObject({
      status: 'sent',
      attempts: 2,
      message_id: `ew${sms}-crash`,
      provider_message_id: h.gateway.messages[0]!.bizId,
    });
    const attempts = await db.pool.query(
      `SELECT outcome, response_code FROM delivery_attempt WHERE delivery_id = $1 ORDER BY attempt_no`,
      [sms],
    );
    expect(attempts.rows).toEqual([
      { outcome: 'interrupted', response_code: 'lease-expired' },
      { outcome: 'sent', response_code: null },
    ]);
  });
});

describe('an SMS whose worker died', () => {
  it('after the request left, policy hold: not resent; marked unknown and the operators are asked to check', async () => {
    const { sms } = await openAlert('T-LEASE-05');
    const before = h.gateway.requests.length;
    await claimThenDie(sms, true);
    h.clock.advance(h.deps.settings.leaseMs + MINUTE);
    expect((await recoverExpiredLeases(db.pool, ctx('hold'))).held).toBe(1);
    expect((await sendDelivery(h.deps, sms)).outcome).toBe('skipped');
    expect((await getDelivery(db.pool, sms))!).toMatchObject({
      status: 'unknown',
      last_error_code: 'ambiguous',
    });
    expect(h.gateway.requests.length - before).toBe(1);
    const ops = await db.pool.query<{ state: string; body_zh: string }>(
      `SELECT state, body_zh FROM alert WHERE dedupe_key = $1`,
      [`ops|ambiguous|${sms}`],
    );
    expect(ops.rows[0]!.state).toBe('firing');
    expect(ops.rows[0]!.body_zh).toContain(`短信 OutId ew${sms}-crash`);
  });

  it('before the request left: resent under policy hold too, and it reaches the gateway once', async () => {
    const { sms } = await openAlert('T-LEASE-06');
    const before = h.gateway.requests.length;
    await claimThenDie(sms, false);
    h.clock.advance(h.deps.settings.leaseMs + MINUTE);
    expect((await recoverExpiredLeases(db.pool, ctx('hold'))).resent).toBe(1);
    expect((await sendDelivery(h.deps, sms)).outcome).toBe('sent');
    expect(h.gateway.requests.length - before).toBe(1);
  });
});

describe('an e-mail whose worker died', () => {
  it('before the whole message was with the server: resent once the lease expires (under either policy), and it arrives once', async () => {
    const { email } = await openAlert('T-LEASE-02');
    const before = h.smtp.messages.length;
    await claimThenDie(email, false);
    h.clock.advance(h.deps.settings.leaseMs + MINUTE);
    expect((await recoverExpiredLeases(db.pool, ctx('hold'))).resent).toBe(1);
    expect((await sendDelivery(h.deps, email)).outcome).toBe('sent');
    expect(h.smtp.messages.length - before).toBe(1);
  });

  it('after the whole message was with the server, policy resend: sent again with the same Message-ID (the documented duplicate)', async () => {
    const { email } = await openAlert('T-LEASE-03');
    await claimThenDie(email, true);
    h.clock.advance(h.deps.settings.leaseMs + MINUTE);
    await recoverExpiredLeases(db.pool, ctx('resend'));
    await sendDelivery(h.deps, email);
    const id = `<envwatch.${email}.crash@example.gov.cn>`;
    const copies = h.smtp.messageIds().filter((m) => m === id);
    expect(copies).toHaveLength(2);
  });

  it('after the whole message was with the server, policy hold: not resent; marked unknown and the operators are asked to check', async () => {
    const { email } = await openAlert('T-LEASE-04');
    await claimThenDie(email, true);
    h.clock.advance(h.deps.settings.leaseMs + MINUTE);
    const r = await recoverExpiredLeases(db.pool, ctx('hold'));
    expect(r.held).toBe(1);
    expect((await sendDelivery(h.deps, email)).outcome).toBe('skipped');
    expect((await getDelivery(db.pool, email))!.status).toBe('unknown');
    const ops = await db.pool.query<{ state: string; body_zh: string }>(
      `SELECT state, body_zh FROM alert WHERE dedupe_key = $1`,
      [`ops|ambiguous|${email}`],
    );
    expect(ops.rows[0]!.state).toBe('firing');
    expect(ops.rows[0]!.body_zh).toContain(`<envwatch.${email}.crash@example.gov.cn>`);
    expect(h.smtp.messageIds().filter((m) => m === `<envwatch.${email}.crash@example.gov.cn>`)).toHaveLength(
      1,
    );
  });
});
