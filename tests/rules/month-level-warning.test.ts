/**
 * Issue #19 item 4: a street/town with one month of dust fall at half again the "5 吨/平方公里·月左右" level was
 * never flagged, the target being judged on the annual mean. The annual verdict stays; the shipped 2024 plan
 * adds a monthly early-warning reading (TZ24-AIR-09w, soft: a notice) that names the month.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { severityFor } from '../../services/alerts/hysteresis.js';
import { sweepTargets } from '../../services/targets/evaluate-pending.js';
import { loadPlanFiles } from '../../services/targets/load-targets.js';
import { upsertPlanFile } from '../../services/targets/target-queries.js';
import { listCurrentStatus } from '../../services/targets/targets-status-queries.js';
import { ManualClock, shanghaiInstant } from '../../services/time/shanghai.js';
import { insertScopeMonthly, insertSandDust, months, useRuleDatabase } from '../targets/fixtures.js';

const db = useRuleDatabase();
const ROOT = path.resolve(import.meta.dirname, '../..');
const TARGETS = ['TZ24-AIR-09', 'TZ24-AIR-09w'];

async function evaluate(today: string) {
  // useRuleDatabase empties the plans before each test: load the shipped 2024 plan each time.
  const plans = await loadPlanFiles(path.join(ROOT, 'config/targets'));
  await upsertPlanFile(
    db.pool,
    plans.find((p) => p.plan.id === 'tongzhou-2024')!,
  );
  await sweepTargets(db.pool, {
    clock: new ManualClock(shanghaiInstant(today, 12)),
    targetIds: TARGETS,
    year: 2024,
  });
  return listCurrentStatus(db.pool, { targetIds: TARGETS });
}

describe('a month far beyond a 左右 dust-fall level', () => {
  it('names 北苑 May at 7.6 (1.5× of 5) in a notice, while the annual verdict stays on the mean', async () => {
    await insertScopeMonthly(
      db.pool,
      'beiyuan',
      'dust_fall',
      months('2024-01', 6, (m) => (m === '2024-05' ? 7.6 : 4.5)),
    );
    const rows = await evaluate('2024-06-30');
    const may = rows.find(
      (r) => r.targetId === 'TZ24-AIR-09w' && r.scopeId === 'beiyuan' && r.periodKey === '2024-05',
    );
    expect(may).toMatchObject({ status: 'breached', final: true, value: 7.6, threshold: 7.5 });
    expect(may!.explanationZh).toContain(
      '5月降尘量7.6吨/平方公里·月，为月度水平5的1.5倍，超过预警值7.5（1.5倍）',
    );
    expect(may!.explanationZh).toContain('全年是否达标仍按TZ24-AIR-09的年均值判断');
    expect(severityFor('soft', may!.status)).toBe('notice');
    const june = rows.find(
      (r) => r.targetId === 'TZ24-AIR-09w' && r.scopeId === 'beiyuan' && r.periodKey === '2024-06',
    );
    expect(june).toMatchObject({ status: 'met', final: true });
    // The annual mean (4.5 × 5 + 7.6) / 6 = 5.02 still decides the year.
    const annual = rows.find((r) => r.targetId === 'TZ24-AIR-09' && r.scopeId === 'beiyuan');
    expect(annual!.value).toBeCloseTo(30.1 / 6, 9);
    // The warning is a transition: the alerts worker is told about it (outbox, same transaction).
    const { rows: outbox } = await db.pool.query(
      `SELECT o.job_name FROM outbox o JOIN evaluation e ON e.id = (o.payload->>'evaluationId')::bigint
        WHERE e.target_id = 'TZ24-AIR-09w' AND e.scope_id = 'beiyuan' AND e.period_key = '2024-05'`,
    );
    expect(outbox).toEqual([{ job_name: 'sync-alert' }]);
  });

  it('leaves out a month a sand-dust period touches, as the annual mean does', async () => {
    await insertScopeMonthly(
      db.pool,
      'beiyuan',
      'dust_fall',
      months('2024-03', 1, () => 12),
    );
    await insertSandDust(db.pool, { from: '2024-03-14', to: '2024-03-16', districtId: 'tongzhou' });
    const rows = await evaluate('2024-04-02');
    const march = rows.find(
      (r) => r.targetId === 'TZ24-AIR-09w' && r.scopeId === 'beiyuan' && r.periodKey === '2024-03',
    );
    expect(march).toMatchObject({ status: 'insufficient_data', final: true });
    expect(march!.explanationZh).toContain('该月受沙尘影响，已扣除，不作预警');
  });
});
