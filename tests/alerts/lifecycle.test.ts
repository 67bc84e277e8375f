/**
 * The alert lifecycle, driven by stored evaluation state: one alert per (target, scope, period) that later
 * evaluations update; hysteresis (resolved only after the data has been 'met' on two distinct data days,
 * or on a final evaluation — never by a timer); reopening in the same period; closing after the period.
 * Service level: the deliveries planned are asserted as rows (no worker runs them here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledgeAlert, closeAlert } from '../../services/alerts/lifecycle.js';
import { syncTargetAlert } from '../../services/alerts/sync-target-alert.js';
import { ConflictError, NotFoundError } from '../../services/errors.js';
import { DAY, HOUR, shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { count, insertTarget, recordTestEvaluation, seedDirectory, type EvaluationSpec } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

const db = useTestDatabase();
let h: Harness;

beforeAll(async () => {
  await seedDirectory(db.pool);
  for (const id of ['T-LIFE-01', 'T-LIFE-02', 'T-LIFE-03'])
    await insertTarget(db.pool, { id, assist_units: [], lead_officials: ['yao_weilong'] });
  h = await startHarness(db, { now: shanghaiInstant('2024-03-11', 9, 0), workers: false });
});

afterAll(async () => {
  await h?.close();
});

/** Stores an evaluation as the targets engine does and applies it as the sync-alert job would. */
async function evaluate(e: Omit<EvaluationSpec, 'periodKey'> & { periodKey?: string }) {
  const r = await recordTestEvaluation(db.pool, { periodKey: '2024', ...e });
  if (!r.transition) return null;
  return syncTargetAlert(db.pool, r.evaluationId!, {
    now: h.clock.now(),
    settings: h.deps.settings,
    smsEnabled: true,
  });
}

const alertOf = async (targetId: string) =>
  (
    await db.pool.query(
      `SELECT id, state, condition, severity, urgent, revision, escalation_step, next_escalation_at FROM alert WHERE target_id = $1`,
      [targetId],
    )
  ).rows;
const steps = async (targetId: string) =>
  (
    await db.pool.query<{ step: string }>(
      `SELECT DISTINCT d.step FROM delivery d JOIN alert a ON a.id = d.alert_id WHERE a.target_id = $1 ORDER BY 1`,
      [targetId],
    )
  ).rows.map((r) => r.step);

describe('one alert per target, scope and period', () => {
  it('opens on at_risk and is updated — not duplicated — when it becomes a breach', async () => {
    expect(
      (await evaluate({ targetId: 'T-LIFE-01', scopeId: 'beiyuan', status: 'at_risk', asOf: '2024-03-10' }))!
        .action,
    ).toBe('open');
    const opened = await alertOf('T-LIFE-01');
    expect(opened).toMatchObject([
      { state: 'firing', condition: 'at_risk', severity: 'warning', urgent: false, revision: 1 },
    ]);
    // Hard at-risk warnings escalate after ALERT_ESCALATE_WARNING_AFTER_MINUTES (a day).
    expect(opened[0].next_escalation_at).toEqual(new Date(h.clock.now().getTime() + 24 * HOUR));

    expect(
      (await evaluate({ targetId: 'T-LIFE-01', scopeId: 'beiyuan', status: 'breached', asOf: '2024-03-11' }))!
        .action,
    ).toBe('update');
    const updated = await alertOf('T-LIFE-01');
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({
      id: opened[0].id,
      condition: 'breached',
      severity: 'critical',
      urgent: true,
    });
    // A breach escalates sooner: two hours after the alert fired.
    expect(updated[0].next_escalation_at).toEqual(new Date(h.clock.now().getTime() + 2 * HOUR));
    expect(await steps('T-LIFE-01')).toEqual(['breached:1', 'open:1']);
  });

  it('does not flap: a value hovering at the line keeps the one alert open', async () => {
    expect(
      (await evaluate({
        targetId: 'T-LIFE-01',
        scopeId: 'beiyuan',
        status: 'met',
        asOf: '2024-03-12',
        value: 34.9,
      }))!.action,
    ).toBe('recovering');
    expect(await alertOf('T-LIFE-01')).toMatchObject([
      { state: 'firing', condition: 'met', severity: 'critical', next_escalation_at: null },
    ]);
    expect(
      (await evaluate({
        targetId: 'T-LIFE-01',
        scopeId: 'beiyuan',
        status: 'breached',
        asOf: '2024-03-13',
        value: 35.1,
      }))!.action,
    ).toBe('update');
    expect(
      (await evaluate({
        targetId: 'T-LIFE-01',
        scopeId: 'beiyuan',
        status: 'met',
        asOf: '2024-03-14',
        value: 34.9,
      }))!.action,
    ).toBe('recovering');
    // The same data day evaluated again (a revised value) is still one day.
    await evaluate({
      targetId: 'T-LIFE-01',
      scopeId: 'beiyuan',
      status: 'met',
      asOf: '2024-03-14',
      value: 34.8,
    });
    await h.sweep();
    expect(await alertOf('T-LIFE-01')).toMatchObject([{ state: 'firing', condition: 'met' }]);
    expect(await count(db.pool, `SELECT count(*)::int AS n FROM alert`)).toBe(1);
    expect(await steps('T-LIFE-01')).toEqual(['breached:1', 'open:1']); // no message for any of the flapping
  });

  it('resolves when the data has been met on two distinct data days — the sweep notices, no timer does', async () => {
    h.clock.advance(30 * DAY);
    await h.sweep(); // a month later, with no new data: still open
    expect(await alertOf('T-LIFE-01')).toMatchObject([{ state: 'firing' }]);
    await evaluate({
      targetId: 'T-LIFE-01',
      scopeId: 'beiyuan',
      status: 'met',
      asOf: '2024-03-15',
      value: 33,
    });
    // Workers are off in this file: the open:1 messages to the main unit went out as a worker would record it.
    await db.pool.query(
      `UPDATE delivery SET status = 'sent', sent_at = $1 WHERE step = 'open:1' AND recipient_role = 'main'`,
      [h.clock.now()],
    );
    const summary = await h.sweep();
    expect(summary['recovered.resolved']).toBe(1);
    expect(await alertOf('T-LIFE-01')).toMatchObject([{ state: 'resolved', condition: 'met' }]);
    expect(await steps('T-LIFE-01')).toEqual(['breached:1', 'open:1', 'resolved:1']);
    // One short notice to exactly those who were told it fired (not the assist units, whose copy never
    // went), by e-mail — the SMS address they were told by is not used for good news.
    const told = await db.pool.query(
      `SELECT DISTINCT recipient_id FROM delivery WHERE step = 'open:1' AND status = 'sent' ORDER BY 1`,
    );
    const resolved = await db.pool.query(
      `SELECT recipient_id, channel FROM delivery WHERE step = 'resolved:1' ORDER BY 1`,
    );
    expect(resolved.rows.map((r: { recipient_id: string }) => r.recipient_id)).toEqual(
      told.rows.map((r: { recipient_id: string }) => r.recipient_id),
    );
    expect(resolved.rows.every((r: { channel: string }) => r.channel === 'email')).toBe(true);
  });

  it('reopens the same alert (a new revision) when the target slips again in the same period', async () => {
    const before = await alertOf('T-LIFE-01');
    expect(
      (await evaluate({ targetId: 'T-LIFE-01', scopeId: 'beiyuan', status: 'at_risk', asOf: '2024-04-20' }))!
        .action,
    ).toBe('reopen');
    expect(await alertOf('T-LIFE-01')).toMatchObject([
      { id: before[0].id, state: 'firing', revision: 2, severity: 'warning', escalation_step: 0 },
    ]);
    expect(await steps('T-LIFE-01')).toContain('open:2');
  });

  it('resolves at once on a final evaluation that is met', async () => {
    await evaluate({ targetId: 'T-LIFE-02', scopeId: 'luyi', status: 'breached', asOf: '2024-12-30' });
    expect(
      (await evaluate({
        targetId: 'T-LIFE-02',
        scopeId: 'luyi',
        status: 'met',
        asOf: '2024-12-31',
        final: true,
      }))!.action,
    ).toBe('resolve');
  });

  it('is left alone by insufficient data', async () => {
    await evaluate({ targetId: 'T-LIFE-03', scopeId: 'yongshun', status: 'breached', asOf: '2024-04-01' });
    expect(
      (await evaluate({
        targetId: 'T-LIFE-03',
        scopeId: 'yongshun',
        status: 'insufficient_data',
        asOf: '2024-04-02',
      }))!.action,
    ).toBe('none');
    expect(await alertOf('T-LIFE-03')).toMatchObject([{ state: 'firing', condition: 'breached' }]);
  });
});

describe('acknowledging and closing', () => {
  it('records who, when and why, stops escalation, and refuses alerts that are not firing', async () => {
    const [a] = await alertOf('T-LIFE-03');
    const r = await acknowledgeAlert(db.pool, {
      alertId: a.id,
      actor: 'user:zhang',
      comment: '已督促整改',
      at: h.clock.now(),
    });
    expect(r.outcome).toBe('acknowledged');
    expect(r.alert).toMatchObject({
      state: 'acknowledged',
      acknowledged_by: 'user:zhang',
      ack_comment: '已督促整改',
      next_escalation_at: null,
    });
    expect(
      (
        await acknowledgeAlert(db.pool, {
          alertId: a.id,
          actor: 'user:li',
          comment: '补充说明',
          at: h.clock.now(),
        })
      ).outcome,
    ).toBe('already_acknowledged');
    expect(
      await count(
        db.pool,
        `SELECT count(*)::int AS n FROM alert_event WHERE alert_id = $1 AND kind IN ('acknowledged', 'comment')`,
        [a.id],
      ),
    ).toBe(2);
    const [resolved] = await alertOf('T-LIFE-02');
    await expect(
      acknowledgeAlert(db.pool, { alertId: resolved.id, actor: 'user:zhang', at: h.clock.now() }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      acknowledgeAlert(db.pool, { alertId: 999_999, actor: 'user:zhang', at: h.clock.now() }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      closeAlert(db.pool, { alertId: a.id, actor: 'user:zhang', at: h.clock.now() }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('closes resolved target alerts once their period is over', async () => {
    h.clock.set(shanghaiInstant('2025-01-01', 0, 5));
    await h.sweep();
    expect(await alertOf('T-LIFE-02')).toMatchObject([{ state: 'closed' }]);
    expect(await alertOf('T-LIFE-03')).toMatchObject([{ state: 'acknowledged' }]); // not resolved: stays
  });
});
