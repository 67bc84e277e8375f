/**
 * The send lead of a group message (issue #14: evaluation → provider acceptance ≤ group_wait + 1 s): a head's
 * job starts before its window ends, earlier the more heads are due in the same second, within bounds; and
 * an item planned after such an early claim but before the window's end is not held for group_interval.
 * Real SMTP and SMS fakes, real PostgreSQL and Redis, no workers (the test runs the send-delivery step itself
 * at chosen instants), a ManualClock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncTargetAlert } from '../../services/alerts/sync-target-alert.js';
import {
  BASE_LEAD_MS,
  groupSendLeadMs,
  MAX_LEAD_MS,
  SEND_MS_PER_MESSAGE,
} from '../../services/notify/group-send-lead.js';
import { sendDelivery } from '../../services/notify/send-delivery.js';
import { MINUTE, SECOND, shanghaiInstant } from '../../services/time/shanghai.js';
import { insertTarget, recordTestEvaluation, seedDirectory } from '../alerts/fixtures.js';
import { startHarness, type Harness } from '../alerts/harness.js';
import { useTestDatabase } from '../helpers/test-db.js';

const db = useTestDatabase();
let h: Harness;
const t0 = shanghaiInstant('2024-07-01', 10, 0); // a Monday, a working day

/** Stores a breach and plans it at the clock's time (the sync-alert step). */
async function breachAt(ms: number, targetId: string) {
  h.clock.set(new Date(t0.getTime() + ms));
  const ev = await recordTestEvaluation(db.pool, {
    targetId,
    scopeId: 'yongshun',
    periodKey: '2024',
    status: 'breached',
    asOf: '2024-06-30',
  });
  await syncTargetAlert(db.pool, ev.evaluationId!, {
    now: h.clock.now(),
    settings: h.deps.settings,
    smsEnabled: true,
  });
}

interface Head {
  id: number;
  not_before: Date;
  status: string;
  start_at: number;
}

/** The e-mail heads, oldest first, with the instant their newest job may start (its payload's startAt). */
async function emailHeads(): Promise<Head[]> {
  const { rows } = await db.pool.query<Head>(
    `SELECT h.id, h.not_before, h.status, (o.payload->>'startAt')::bigint AS start_at
       FROM delivery h JOIN outbox o ON o.job_id = 'delivery__' || h.id || '__' || h.enqueued
      WHERE h.step LIKE 'group:%' AND h.channel = 'email' ORDER BY h.id`,
  );
  return rows.map((r) => ({ ...r, start_at: Number(r.start_at) }));
}

beforeAll(async () => {
  await seedDirectory(db.pool);
  for (const id of ['T-LEAD-1', 'T-LEAD-2', 'T-LEAD-3']) {
    await insertTarget(db.pool, { id, main_units: ['gov_yongshun'], assist_units: [], lead_officials: [] });
  }
  h = await startHarness(db, {
    now: t0,
    workers: false,
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

describe('the send lead', () => {
  it('grows with the heads due in the same second, up to its bounds', () => {
    const due = new Date(t0.getTime() + 2 * MINUTE);
    expect(groupSendLeadMs(due, t0, 0)).toBe(BASE_LEAD_MS);
    expect(groupSendLeadMs(due, t0, 299)).toBe(BASE_LEAD_MS + 299 * SEND_MS_PER_MESSAGE);
    expect(groupSendLeadMs(due, t0, 100_000)).toBe(MAX_LEAD_MS);
    // An urgent head (10 s) keeps three quarters of its window open whatever is due with it.
    const urgent = new Date(t0.getTime() + 10 * SECOND);
    expect(groupSendLeadMs(urgent, t0, 100_000)).toBe(2500);
    // A head already due starts now.
    expect(groupSendLeadMs(t0, t0, 300)).toBe(0);
  });

  it('gives each head a job that may claim a second before its window ends, and refuses it earlier', async () => {
    await breachAt(0, 'T-LEAD-1');
    const [head] = await emailHeads();
    expect(head!.not_before).toEqual(new Date(t0.getTime() + 2 * MINUTE));
    expect(head!.start_at).toBe(t0.getTime() + 2 * MINUTE - BASE_LEAD_MS);
    // Before its start (less the timers' tolerance) the job sets it aside for the sweep.
    h.clock.set(new Date(t0.getTime() + 2 * MINUTE - 2 * SECOND));
    const early = await sendDelivery(h.deps, head!.id, head!.start_at);
    expect(early.outcome).toBe('deferred');
    // (The sweep would release it at not_before; here the next job run is the test's, so hand it back.)
    await db.pool.query(`UPDATE delivery SET status = 'pending' WHERE id = $1`, [head!.id]);
    // At its start it goes, before the window has ended.
    h.clock.set(new Date(head!.start_at));
    expect((await sendDelivery(h.deps, head!.id, head!.start_at)).outcome).toBe('sent');
    expect(h.smtp.messages).toHaveLength(1);
  });

  it('sends an item planned after the early claim, before the window ended, at its own group_wait', async () => {
    // 0.5 s before the first window's end: it belonged to that message, which had already gone.
    await breachAt(2 * MINUTE - 500, 'T-LEAD-2');
    const heads = await emailHeads();
    expect(heads).toHaveLength(2);
    // Not group_interval (30 min) after the first message: group_wait after it became due.
    expect(heads[1]!.not_before).toEqual(new Date(t0.getTime() + 4 * MINUTE - 500));
    h.clock.set(heads[1]!.not_before);
    expect((await sendDelivery(h.deps, heads[1]!.id, heads[1]!.start_at)).outcome).toBe('sent');
    expect(h.smtp.messages).toHaveLength(2);
  });

  it('still holds an item planned after a window ended until group_interval after the last message', async () => {
    await breachAt(4 * MINUTE + 10 * SECOND, 'T-LEAD-3');
    const heads = await emailHeads();
    expect(heads).toHaveLength(3);
    const lastSent = await db.pool.query<{ sent_at: Date }>(`SELECT sent_at FROM delivery WHERE id = $1`, [
      heads[1]!.id,
    ]);
    expect(heads[2]!.not_before).toEqual(new Date(lastSent.rows[0]!.sent_at.getTime() + 30 * MINUTE));
  });
});
