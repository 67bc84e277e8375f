/**
 * Issue #19 item 3: a water section's verdict closes with its period. A section with one sample in a year
 * still read "有风险（期末前为预判）" two years later; after the period a verdict is final, and too few months
 * (docs/decisions.md: monthly-value targets need 75 % of the months) is insufficient_data, said in words.
 */
import { describe, expect, it } from 'vitest';
import { evaluateAsOf, insertWaterMonth, only, target, useRuleDatabase } from '../targets/fixtures.js';

const db = useRuleDatabase();

const water = (id: string, rule: Record<string, unknown> = {}) =>
  target({
    id,
    metric: 'water_class',
    scope: { kind: 'sections', ids: ['ex_outflow_xiji'] },
    strictness: 'soft',
    rule: { kind: 'water_class_target', target_class: 5, ...rule },
  });

const classV = (nh3n: number) => ({ nh3n, cod: 35, codmn: 12, bod5: 8, tp: 0.35, do: 3.5 });

describe('water_class_target after its period', () => {
  it('one sample in a year, read two years later: a final insufficient_data that says why', async () => {
    await insertWaterMonth(db.pool, 'ex_outflow_xiji', '2024-03', 6, classV(3));
    const r = only(await evaluateAsOf(db.pool, water('T-WC-ONE'), '2026-03-01', { year: 2024 }));
    expect(r).toMatchObject({ status: 'insufficient_data', final: true, coverage: 1 / 12 });
    expect(r.explanationZh).toContain('1个月有监测（应有12个月），不足75%');
    expect(r.explanationZh).toContain('单月未达标：3月');
    expect(r.explanationZh).toContain('结论：数据不足。');
    expect(r.explanationZh).not.toContain('期末前为预判');
    expect(r.explanationEn).toContain('1 of 12 month(s) monitored, fewer than 75 %');
  });

  it('no sample at all, read after the year: a final insufficient_data', async () => {
    const r = only(await evaluateAsOf(db.pool, water('T-WC-NONE'), '2025-02-01', { year: 2024 }));
    expect(r).toMatchObject({ status: 'insufficient_data', final: true });
    expect(r.explanationZh).toContain('无监测数据');
  });

  it('ten of twelve months with a failing mean: breached, final', async () => {
    for (let m = 1; m <= 10; m++)
      await insertWaterMonth(
        db.pool,
        'ex_outflow_xiji',
        `2024-${String(m).padStart(2, '0')}`,
        6,
        classV(2.6),
      );
    const r = only(await evaluateAsOf(db.pool, water('T-WC-TEN'), '2025-02-01', { year: 2024 }));
    expect(r).toMatchObject({ status: 'breached', final: true, asOf: '2024-10-31' });
    expect(r.explanationZh).toContain('结论：未达标。');
  });

  it('the coverage share is configurable (min_coverage)', async () => {
    for (const m of ['01', '04', '07', '10'])
      await insertWaterMonth(db.pool, 'ex_outflow_xiji', `2024-${m}`, 5, classV(1.5));
    const r = only(
      await evaluateAsOf(db.pool, water('T-WC-QTR', { min_coverage: 0.3 }), '2025-02-01', { year: 2024 }),
    );
    expect(r).toMatchObject({ status: 'met', final: true });
  });
});
