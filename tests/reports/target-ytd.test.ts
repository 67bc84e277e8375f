/**
 * A street/town's year-to-date figure in the report is the one its target's evaluation computed (issue 15):
 * the same sand-dust exclusions (a period naming the street/town; a city-wide one) and the same validity,
 * for daily values (PM2.5, 同比改善) and for monthly values (dust fall, whole months left out).
 */
import { describe, expect, it } from 'vitest';
import { collectMonthlyReport } from '../../services/reports/collect-monthly.js';
import { sweepTargets } from '../../services/targets/evaluate-pending.js';
import { upsertPlanFile } from '../../services/targets/target-queries.js';
import { ManualClock, shanghaiInstant } from '../../services/time/shanghai.js';
import {
  days,
  insertSandDust,
  insertScopeDaily,
  insertScopeMonthly,
  months,
  target,
  useRuleDatabase,
} from '../targets/fixtures.js';

const db = useRuleDatabase();

const DUST = target({
  id: 'T-YTD-DUST',
  metric: 'dust_fall',
  scope: { kind: 'each_area' },
  rule: { kind: 'cumulative_mean_limit', input: 'monthly', max: 5, approx: true },
  exclude_sand_dust: true,
});
const PM25 = target({
  id: 'T-YTD-PM25',
  scope: { kind: 'each_area' },
  rule: { kind: 'yoy_improvement' },
  exclude_sand_dust: true,
});

async function evaluation(targetId: string, scopeId: string) {
  const { rows } = await db.pool.query<{ value: number | null; threshold: number | null; as_of: string }>(
    `SELECT value, threshold, as_of::text FROM evaluation WHERE target_id = $1 AND scope_id = $2 AND period_key = '2024'
      ORDER BY as_of DESC, evaluated_at DESC LIMIT 1`,
    [targetId, scopeId],
  );
  return rows[0]!;
}

describe('year-to-date figures of streets/towns in an April with sand dust', () => {
  it('print the value the evaluation of their target printed, sand-dust days and months left out', async () => {
    // Dust fall of 玉桥: April carries a sand-dust period naming the street, March a city-wide one.
    await insertScopeMonthly(
      db.pool,
      'yuqiao',
      'dust_fall',
      months('2024-01', 4, (_m, i) => [4, 5, 6, 9][i]!),
    );
    await insertScopeMonthly(
      db.pool,
      'yuqiao',
      'dust_fall',
      months('2023-01', 4, () => 5.5),
    );
    await insertSandDust(db.pool, {
      from: '2024-04-10',
      to: '2024-04-11',
      districtId: 'tongzhou',
      areaId: 'yuqiao',
    });
    // PM2.5 of 玉桥: 40 every day but two city-wide sand-dust days at 300; one invalid day (no valid mean).
    const pm = (day: string) =>
      day === '2024-03-15' || day === '2024-03-16' ? 300 : day === '2024-02-02' ? null : 40;
    await insertScopeDaily(db.pool, 'yuqiao', 'pm25', days('2024-01-01', '2024-04-30', pm));
    await insertScopeDaily(
      db.pool,
      'yuqiao',
      'pm25',
      days('2023-01-01', '2023-04-30', () => 45),
    );
    await insertSandDust(db.pool, { from: '2024-03-15', to: '2024-03-16', districtId: null });

    await upsertPlanFile(db.pool, {
      plan: { id: 'test-2024', district: 'tongzhou', year: 2024, name_zh: '测试计划', name_en: 'Test plan' },
      targets: [DUST, PM25],
    });
    const clock = new ManualClock(shanghaiInstant('2024-05-06', 12));
    await sweepTargets(db.pool, { clock, targetIds: [DUST.id, PM25.id], year: 2024 });

    const data = await collectMonthlyReport(db.pool, { scopeId: 'tongzhou', month: '2024-04' });
    const row = (metric: string) =>
      data.rankings.find((r) => r.metric.id === metric)!.rows.find((r) => r.area.id === 'yuqiao')!;

    const dust = await evaluation(DUST.id, 'yuqiao');
    expect(dust.as_of).toBe('2024-04-30');
    // March (the city-wide days) and April (the street's own period) are left out: (4 + 5) / 2, not 6.
    expect(dust.value).toBeCloseTo(4.5, 9);
    expect(row('dust_fall').ytd).toBe(dust.value);
    expect(row('dust_fall').value).toBe(9); // the month itself is still shown as measured

    const pm25 = await evaluation(PM25.id, 'yuqiao');
    expect(pm25.value).toBeCloseTo(40, 9); // not (40 × 118 + 600) / 120 = 44.3
    expect(row('pm25').ytd).toBe(pm25.value);
    // Last year's figure is the comparison the 同比 target made (its threshold), the same range a year back.
    expect(row('pm25').ytdLastYear).toBe(pm25.threshold);
    expect(pm25.threshold).toBeCloseTo(45, 9);
  });
});
