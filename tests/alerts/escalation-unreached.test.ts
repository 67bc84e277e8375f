/**
 * No silent drops at escalation (issue #14, item 6 with item 8): a step whose lead official has no contact
 * valid in the alert's year, or a deadline step that finds none of the district leadership, raises ONE
 * operational alert per official (leadership body) and year — however many alerts escalate to them — the
 * way a delivery with no recipient does. An official who can be reached raises nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncTargetAlert } from '../../services/alerts/sync-target-alert.js';
import { HOUR, shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertTarget, recordTestEvaluation, seedDirectory } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

const db = useTestDatabase();
let h: Harness;
const fired = shanghaiInstant('2024-10-30', 9, 0); // a Wednesday

beforeAll(async () => {
  await seedDirectory(db.pool);
  // 倪德才's contact ended in 2021; here the district leadership's duty office ended in 2023 as well.
  await db.pool.query(`UPDATE contact SET year_to = 2023 WHERE id = 'leadership.duty'`);
  const spec = { deadline: '2024-10-31', main_units: ['gov_beiyuan'], assist_units: [] };
  await insertTarget(db.pool, { id: 'T-ESU-01', ...spec, lead_officials: ['ni_decai'] });
  await insertTarget(db.pool, { id: 'T-ESU-02', ...spec, lead_officials: ['ni_decai'] });
  await insertTarget(db.pool, { id: 'T-ESU-03', ...spec, lead_officials: ['yao_weilong'] });
  h = await startHarness(db, { now: fired, workers: false });
  for (const targetId of ['T-ESU-01', 'T-ESU-02', 'T-ESU-03']) {
    const r = await recordTestEvaluation(db.pool, {
      targetId,
      scopeId: 'beiyuan',
      periodKey: '2024',
      status: 'breached',
      asOf: '2024-10-29',
    });
    await syncTargetAlert(db.pool, r.evaluationId!, {
      now: fired,
      settings: h.deps.settings,
      smsEnabled: true,
    });
  }
});

afterAll(async () => {
  await h?.close();
});

const opsAlerts = async () =>
  (
    await db.pool.query<{ dedupe_key: string; title_zh: string; body_zh: string }>(
      `SELECT dedupe_key, title_zh, body_zh FROM alert WHERE kind = 'operational' ORDER BY id`,
    )
  ).rows;

describe('an escalation step nobody can receive', () => {
  it('raises one operational alert for the lead official two alerts escalate to', async () => {
    h.clock.set(new Date(fired.getTime() + 2 * HOUR));
    await h.sweep();
    const escalated = await db.pool.query(
      `SELECT 1 FROM alert WHERE kind = 'target' AND escalation_step = 1`,
    );
    expect(escalated.rowCount).toBe(3);
    const ops = await opsAlerts();
    expect(ops.map((a) => [a.dedupe_key, a.title_zh])).toEqual([
      ['ops|no-contact|ni_decai|2024', '【无人接收】倪德才 2024 年无有效联系人'],
    ]);
    expect(ops[0]!.body_zh).toContain('的第1级升级（牵头领导）未能送达倪德才');
    // The operators are told (the contacts of ALERT_OPS_UNITS, here 区生态环境局).
    const told = await db.pool.query(
      `SELECT 1 FROM delivery d JOIN alert a ON a.id = d.alert_id WHERE a.kind = 'operational'`,
    );
    expect(told.rowCount).toBeGreaterThan(0);
  });

  it('raises one for the district leadership when the deadline step finds nobody', async () => {
    h.clock.set(shanghaiInstant('2024-11-01', 9, 0)); // the first working morning after the deadline
    await h.sweep();
    const steps = await db.pool.query(`SELECT 1 FROM alert WHERE kind = 'target' AND escalation_step = 2`);
    expect(steps.rowCount).toBe(3);
    const ops = await opsAlerts();
    expect(ops.map((a) => a.dedupe_key)).toEqual([
      'ops|no-contact|ni_decai|2024',
      'ops|no-contact|district_leadership|2024',
    ]);
    expect(ops[1]!.body_zh).toContain('第2级升级（到期未办结，区领导）未能送达区政府班子成员');
  });
});
