/**
 * Escalation by persisted times and the sweep's clock: the lead officials after the delay (a day for a
 * hard at-risk warning, two hours for a breach), the district leadership once the deadline passes with the
 * alert still open and unacknowledged; soft-target notices never escalate. Service level (rows asserted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncTargetAlert } from '../../services/alerts/sync-target-alert.js';
import { HOUR, MINUTE, shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertTarget, recordTestEvaluation, seedDirectory } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

const db = useTestDatabase();
let h: Harness;

beforeAll(async () => {
  await seedDirectory(db.pool);
  await insertTarget(db.pool, { id: 'T-ESC-01', deadline: '2024-10-31', assist_units: [] });
  await insertTarget(db.pool, {
    id: 'T-ESC-02',
    strictness: 'soft',
    deadline: '2024-10-31',
    assist_units: [],
  });
  h = await startHarness(db, { now: shanghaiInstant('2024-10-30', 9, 0), workers: false });
});

afterAll(async () => {
  await h?.close();
});

async function open(targetId: string, status: 'at_risk' | 'breached') {
  const r = await recordTestEvaluation(db.pool, {
    targetId,
    scopeId: 'beiyuan',
    periodKey: '2024',
    status,
    asOf: '2024-10-29',
  });
  await syncTargetAlert(db.pool, r.evaluationId!, {
    now: h.clock.now(),
    settings: h.deps.settings,
    smsEnabled: true,
  });
}

const recipientsOf = async (targetId: string, stepPrefix: string) =>
  (
    await db.pool.query<{ r: string }>(
      `SELECT DISTINCT d.recipient_id || ':' || d.channel AS r FROM delivery d JOIN alert a ON a.id = d.alert_id
        WHERE a.target_id = $1 AND d.step LIKE $2 ORDER BY 1`,
      [targetId, `${stepPrefix}%`],
    )
  ).rows.map((x) => x.r);

describe('escalation', () => {
  it('tells the lead official a day after an unacknowledged at-risk warning', async () => {
    await open('T-ESC-01', 'at_risk');
    await open('T-ESC-02', 'at_risk');
    h.clock.advance(24 * HOUR - MINUTE);
    await h.sweep();
    expect(await recipientsOf('T-ESC-01', 'escalation:1')).toEqual([]);
    h.clock.advance(MINUTE);
    await h.sweep();
    expect(await recipientsOf('T-ESC-01', 'escalation:1')).toEqual([
      'official.yao:email',
      'official.yao:sms',
    ]);
    const { rows } = await db.pool.query(
      `SELECT escalation_step, next_escalation_at FROM alert WHERE target_id = 'T-ESC-01'`,
    );
    // The deadline passes at midnight; the leadership is told at the start of the working day (Friday).
    expect(rows[0]).toEqual({ escalation_step: 1, next_escalation_at: shanghaiInstant('2024-11-01', 8, 30) });
  });

  it('tells the district leadership when the deadline passes with the alert still open', async () => {
    h.clock.set(shanghaiInstant('2024-11-01', 8, 29));
    expect((await h.sweep())['escalation.escalated']).toBe(0);
    h.clock.set(shanghaiInstant('2024-11-01', 8, 30));
    const summary = await h.sweep();
    expect(summary['escalation.escalated']).toBe(1);
    expect(await recipientsOf('T-ESC-01', 'escalation:2')).toEqual([
      'leadership.duty:email',
      'leadership.duty:sms',
    ]);
    // A warning is not urgent: the escalation itself waited for working hours, so its SMS goes now.
    const { rows } = await db.pool.query(
      `SELECT status, not_before FROM delivery WHERE step = 'escalation:2:1' AND channel = 'sms'`,
    );
    expect(rows[0]).toEqual({ status: 'pending', not_before: shanghaiInstant('2024-11-01', 8, 30) });
    const events = await db.pool.query(
      `SELECT detail->>'to' AS to FROM alert_event WHERE kind = 'escalated' ORDER BY id`,
    );
    expect(events.rows.map((e: { to: string }) => e.to)).toEqual(['lead_officials', 'district_leadership']);
  });

  it('never escalates a soft-target notice', async () => {
    expect(await recipientsOf('T-ESC-02', 'escalation')).toEqual([]);
    const { rows } = await db.pool.query(`SELECT next_escalation_at FROM alert WHERE target_id = 'T-ESC-02'`);
    expect(rows[0]).toEqual({ next_escalation_at: null });
  });
});
