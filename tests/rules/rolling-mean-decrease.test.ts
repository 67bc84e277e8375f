/** rolling_mean_decrease: three-year moving averages of annual means (000:2020, 004:17). */
import { describe, expect, it } from 'vitest';
import { evaluateAsOf, only, pm25Days, target, useRuleDatabase } from '../targets/fixtures.js';

const db = useRuleDatabase();

const rolling = target({
  id: 'T-ROLL-01',
  strictness: 'soft',
  rule: { kind: 'rolling_mean_decrease', years: 3 },
});

async function year(y: number, value: number): Promise<void> {
  await pm25Days(db.pool, 'tongzhou', `${y}-01-01`, `${y}-12-31`, () => value);
}

describe('rolling_mean_decrease', () => {
  it('meets when 2018-2020 averages below 2017-2019 (56, 52, 46 | 60 → 51.3 < 56.0)', async () => {
    await year(2017, 60);
    await year(2018, 56);
    await year(2019, 52);
    await year(2020, 46);
    const r = only(await evaluateAsOf(db.pool, rolling, '2021-01-03', { year: 2020 }));
    expect(r).toMatchObject({ status: 'met', final: true });
    expect(r.value).toBeCloseTo((46 + 52 + 56) / 3, 9);
    expect(r.threshold).toBeCloseTo((52 + 56 + 60) / 3, 9);
    expect(r.explanationZh).toContain('2018—2020年滑动平均51.3');
  });

  it('breaches at the year end when the moving average does not fall (2020 as bad as 2017)', async () => {
    await year(2017, 50);
    await year(2018, 56);
    await year(2019, 52);
    await year(2020, 50);
    const r = only(await evaluateAsOf(db.pool, rolling, '2021-01-03', { year: 2020 }));
    expect(r).toMatchObject({ status: 'breached', final: true });
  });

  it('names the year whose annual mean is missing', async () => {
    await year(2018, 56);
    await year(2019, 52);
    await year(2020, 46);
    const r = only(await evaluateAsOf(db.pool, rolling, '2021-01-03', { year: 2020 }));
    expect(r.status).toBe('insufficient_data');
    expect(r.explanationZh).toContain('缺少2017年的有效年均值');
  });
});
