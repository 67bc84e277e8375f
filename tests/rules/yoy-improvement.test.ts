/** yoy_improvement: the mean so far against the same calendar window last year, at one decimal. */
import { describe, expect, it } from 'vitest';
import { evaluateAsOf, only, pm25Days, target, useRuleDatabase } from '../targets/fixtures.js';

const db = useRuleDatabase();

const perUnit = target({
  id: 'T-YOY-01',
  scope: { kind: 'areas', ids: ['beiyuan'] },
  main_units: ['streets_towns'],
  rule: { kind: 'yoy_improvement' },
});

describe('yoy_improvement', () => {
  it('compares 1 Jan – 29 Feb 2024 (leap day included) with 1 Jan – 28 Feb 2023', async () => {
    await pm25Days(db.pool, 'beiyuan', '2024-01-01', '2024-02-29', () => 50);
    await pm25Days(db.pool, 'beiyuan', '2023-01-01', '2023-02-28', () => 52);
    await pm25Days(db.pool, 'beiyuan', '2023-03-01', '2023-03-05', () => 99); // outside the window
    const r = only(await evaluateAsOf(db.pool, perUnit, '2024-03-01'));
    expect(r).toMatchObject({ status: 'met', final: false, asOf: '2024-02-29', value: 50, threshold: 52 });
    expect(r.details).toMatchObject({
      lastYearWindow: { from: '2023-01-01', to: '2023-02-28' },
      validValues: 60,
      lastYearValidValues: 59,
    });
    expect(r.explanationZh).toContain('去年同期（2023-01-01至2023-02-28）有效59天，均值52.0');
  });

  it('does not count a tie (both 45.0) as an improvement: at_risk during the year', async () => {
    await pm25Days(db.pool, 'beiyuan', '2024-01-01', '2024-03-31', () => 45);
    await pm25Days(db.pool, 'beiyuan', '2023-01-01', '2023-03-31', () => 45.04);
    const r = only(await evaluateAsOf(db.pool, perUnit, '2024-04-01'));
    expect(r.status).toBe('at_risk');
    expect(r.explanationZh).toContain('持平不算改善');
  });

  it('counts the same tie as met when the target sets tie_is_improvement', async () => {
    await pm25Days(db.pool, 'beiyuan', '2024-01-01', '2024-03-31', () => 45);
    await pm25Days(db.pool, 'beiyuan', '2023-01-01', '2023-03-31', () => 45.04);
    const tie = { ...perUnit, id: 'T-YOY-TIE', rule: { kind: 'yoy_improvement', tie_is_improvement: true } };
    const r = only(await evaluateAsOf(db.pool, tie, '2024-04-01'));
    expect(r.status).toBe('met');
  });

  it('breaches at the year end when the annual mean is not lower than last year', async () => {
    await pm25Days(db.pool, 'beiyuan', '2023-01-01', '2023-12-31', () => 38);
    await pm25Days(db.pool, 'beiyuan', '2024-01-01', '2024-12-31', () => 38.2);
    const r = only(await evaluateAsOf(db.pool, perUnit, '2025-01-02', { year: 2024 }));
    expect(r).toMatchObject({ status: 'breached', final: true });
    expect(r.explanationZh).toContain('上升0.2');
  });

  it('projects what the rest of the year must average to end below last year', async () => {
    // 2023: 365 days at 40. 2024 so far: 91 days at 44 (sum 4004); (40 × 366 − 4004) / 275 = 38.683…
    await pm25Days(db.pool, 'beiyuan', '2023-01-01', '2023-12-31', () => 40);
    await pm25Days(db.pool, 'beiyuan', '2024-01-01', '2024-03-31', () => 44);
    const r = only(await evaluateAsOf(db.pool, perUnit, '2024-04-02'));
    expect(r.status).toBe('at_risk');
    expect(r.details.requiredRemainingMean as number).toBeCloseTo((40 * 366 - 4004) / 275, 9);
    expect(r.explanationZh).toContain('剩余时段须平均低于38.7');
  });

  it("says insufficient_data without enough of last year's window", async () => {
    await pm25Days(db.pool, 'beiyuan', '2024-01-01', '2024-03-31', () => 44);
    await pm25Days(db.pool, 'beiyuan', '2023-01-01', '2023-02-15', () => 40);
    const r = only(await evaluateAsOf(db.pool, perUnit, '2024-04-02'));
    expect(r.status).toBe('insufficient_data');
    expect(r.explanationZh).toContain('上年同期有效数据不足');
  });
});
