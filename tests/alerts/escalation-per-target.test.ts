/**
 * Escalation per plan or target (issue #14, item 8): the targets YAML may set who step 1 reaches, after how
 * long, and whether the deadline goes to the leadership; a plan's block applies to its targets, a target's
 * own keys win, and everything left out keeps the global settings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncTargetAlert } from '../../services/alerts/sync-target-alert.js';
import { upsertPlanFile } from '../../services/targets/target-queries.js';
import { HOUR, MINUTE, shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertTarget, recordTestEvaluation, seedDirectory } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

const db = useTestDatabase();
let h: Harness;
const fired = shanghaiInstant('2024-10-30', 9, 0); // a Wednesday

const target = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  clause_zh: '各街道乡镇PM2.5累计浓度达到35微克/立方米。',
  title_zh: 'PM2.5累计浓度不高于35微克/立方米',
  title_en: 'Cumulative PM2.5 at most 35 µg/m³',
  metric: 'pm25',
  scope: { kind: 'each_area' as const, ids: [] },
  period: 'year' as const,
  rule: { kind: 'cumulative_mean_limit', max: 35 },
  strictness: 'hard' as const,
  exclude_sand_dust: false,
  deadline: '2024-10-31',
  lead_officials: [],
  main_units: ['streets_towns'],
  assist_units: [],
  source: '002:2399',
  enabled: true,
  ...extra,
});

beforeAll(async () => {
  await seedDirectory(db.pool);
  // The plan: breaches go to 姚伟龙 after 30 minutes, and nothing goes to the leadership at the deadline.
  await upsertPlanFile(db.pool, {
    plan: {
      id: 'tept-2024',
      district: 'tongzhou',
      year: 2024,
      name_zh: '测试计划',
      name_en: 'Test plan',
      escalation: { breach_after_minutes: 30, step1_officials: ['yao_weilong'], at_deadline: 'none' },
    },
    targets: [
      target('T-EPT-01'),
      // This target keeps the plan's step 1 but waits an hour.
      target('T-EPT-02', { escalation: { breach_after_minutes: 60 } }),
    ],
  });
  await insertTarget(db.pool, { id: 'T-EPT-03', deadline: '2024-10-31', assist_units: [] }); // global settings
  h = await startHarness(db, { now: fired, workers: false });
});

afterAll(async () => {
  await h?.close();
});

async function breach(targetId: string) {
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

const nextOf = async (targetId: string) =>
  (
    await db.pool.query<{ next_escalation_at: Date | null; escalation_step: number }>(
      `SELECT next_escalation_at, escalation_step FROM alert WHERE target_id = $1`,
      [targetId],
    )
  ).rows[0]!;

describe('escalation per plan or target', () => {
  it('takes the delay from the target, then the plan, then the global settings', async () => {
    for (const id of ['T-EPT-01', 'T-EPT-02', 'T-EPT-03']) await breach(id);
    expect((await nextOf('T-EPT-01')).next_escalation_at).toEqual(new Date(fired.getTime() + 30 * MINUTE));
    expect((await nextOf('T-EPT-02')).next_escalation_at).toEqual(new Date(fired.getTime() + HOUR));
    expect((await nextOf('T-EPT-03')).next_escalation_at).toEqual(new Date(fired.getTime() + 2 * HOUR));
  });

  it('reaches the officials the plan names at step 1, and nobody at the deadline when the plan says so', async () => {
    h.clock.set(new Date(fired.getTime() + 30 * MINUTE));
    await h.sweep();
    const { rows } = await db.pool.query<{ r: string }>(
      `SELECT DISTINCT d.recipient_id || ':' || d.channel AS r FROM delivery d JOIN alert a ON a.id = d.alert_id
        WHERE a.target_id = 'T-EPT-01' AND d.step LIKE 'escalation:%' ORDER BY 1`,
    );
    expect(rows.map((x) => x.r)).toEqual(['official.yao:email', 'official.yao:sms']);
    // Step 1 done, and no deadline step: nothing more is due.
    expect(await nextOf('T-EPT-01')).toEqual({ escalation_step: 1, next_escalation_at: null });
    h.clock.set(shanghaiInstant('2024-11-01', 9, 0));
    await h.sweep();
    expect(
      (
        await db.pool.query(
          `SELECT 1 FROM delivery d JOIN alert a ON a.id = d.alert_id
            WHERE a.target_id IN ('T-EPT-01', 'T-EPT-02') AND d.step LIKE 'escalation:2:%'`,
        )
      ).rowCount,
    ).toBe(0);
    // The target on the global settings told the leadership when its deadline passed.
    expect(
      (
        await db.pool.query(
          `SELECT 1 FROM delivery d JOIN alert a ON a.id = d.alert_id
            WHERE a.target_id = 'T-EPT-03' AND d.step LIKE 'escalation:2:%'`,
        )
      ).rowCount,
    ).toBeGreaterThan(0);
  });
});
