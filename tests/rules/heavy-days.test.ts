/**
 * heavy_days: a heavy day has a daily AQI above 200; Q1 2024 has 91 days. The sand-dust exclusion leaves the
 * day out of both the count and the days expected.
 */
import { describe, expect, it } from 'vitest';
import { enumerateDays } from '../../services/time/shanghai.js';
import {
  evaluateAsOf,
  insertAqi,
  insertSandDust,
  only,
  target,
  useRuleDatabase,
} from '../targets/fixtures.js';

const db = useRuleDatabase();

const q1 = target({
  id: 'T-HEAVY-Q1',
  metric: 'aqi',
  period: 'q1',
  exclude_sand_dust: true,
  rule: { kind: 'heavy_days', max: 3 },
});

/** AQI 80 every day from `from` to `to`, except `heavy` days at 230. */
async function aqiDays(from: string, to: string, heavy: readonly string[]): Promise<void> {
  await insertAqi(
    db.pool,
    'tongzhou',
    enumerateDays(from, to).map((day) => ({ day, aqi: heavy.includes(day) ? 230 : 80 })),
  );
}

describe('heavy_days', () => {
  it('meets a Q1 with exactly 3 heavy days, the limit', async () => {
    await aqiDays('2024-01-01', '2024-03-31', ['2024-01-10', '2024-01-11', '2024-02-20']);
    const r = only(await evaluateAsOf(db.pool, q1, '2024-04-02'));
    expect(r).toMatchObject({
      status: 'met',
      final: true,
      value: 3,
      threshold: 3,
      coverage: 1,
      asOf: '2024-03-31',
    });
  });

  it('counts AQI 200 as not heavy and 201 as heavy', async () => {
    await insertAqi(db.pool, 'tongzhou', [
      ...enumerateDays('2024-01-01', '2024-03-29').map((day) => ({ day, aqi: 80 })),
      { day: '2024-03-30', aqi: 200 },
      { day: '2024-03-31', aqi: 201 },
    ]);
    const r = only(await evaluateAsOf(db.pool, q1, '2024-04-02'));
    expect(r.value).toBe(1);
  });

  it('leaves out a heavy day inside a sand-dust period, which turns a breach into met', async () => {
    await aqiDays('2024-01-01', '2024-03-31', ['2024-01-10', '2024-01-11', '2024-02-20', '2024-03-15']);
    await insertSandDust(db.pool, { from: '2024-03-15', to: '2024-03-15', districtId: 'tongzhou' });
    const r = only(await evaluateAsOf(db.pool, q1, '2024-04-02'));
    expect(r).toMatchObject({ status: 'met', value: 3 });
    expect(r.details).toMatchObject({ expected: 90, daysWithAqi: 90 });
    expect(r.explanationZh).toContain('已扣除沙尘影响1天');
  });

  it('breaches the same Q1 when the target does not exclude sand-dust', async () => {
    await aqiDays('2024-01-01', '2024-03-31', ['2024-01-10', '2024-01-11', '2024-02-20', '2024-03-15']);
    await insertSandDust(db.pool, { from: '2024-03-15', to: '2024-03-15', districtId: 'tongzhou' });
    const r = only(
      await evaluateAsOf(db.pool, { ...q1, id: 'T-HEAVY-NOEX', exclude_sand_dust: false }, '2024-04-02'),
    );
    expect(r).toMatchObject({ status: 'breached', value: 4 });
  });

  it('is at_risk with the allowance used up: one more heavy day breaks the target', async () => {
    await aqiDays('2024-01-01', '2024-02-15', ['2024-01-10', '2024-01-11', '2024-02-14']);
    const r = only(await evaluateAsOf(db.pool, q1, '2024-02-16'));
    expect(r).toMatchObject({
      status: 'at_risk',
      final: false,
      details: expect.objectContaining({ allowance: 0 }),
    });
    expect(r.explanationZh).toContain('剩余额度0天：再出现1天重污染即未达标');
  });

  it('breaches as soon as the count passes the limit, before the quarter ends', async () => {
    await aqiDays('2024-01-01', '2024-02-15', ['2024-01-10', '2024-01-11', '2024-02-13', '2024-02-14']);
    const r = only(await evaluateAsOf(db.pool, q1, '2024-02-16'));
    expect(r).toMatchObject({ status: 'breached', final: false, value: 4 });
  });

  it('is at_risk when last year had more heavy days in the rest of the year than the allowance left', async () => {
    const year = target({ id: 'T-HEAVY-Y', metric: 'aqi', rule: { kind: 'heavy_days', max: 4 } });
    await aqiDays('2024-01-01', '2024-03-31', ['2024-01-10']);
    await aqiDays('2023-04-01', '2023-12-31', ['2023-11-01', '2023-11-02', '2023-12-20', '2023-12-21']);
    const r = only(await evaluateAsOf(db.pool, year, '2024-04-01'));
    // Allowance 4 − 1 = 3 < 4 heavy days in April-December 2023.
    expect(r).toMatchObject({
      status: 'at_risk',
      value: 1,
      details: expect.objectContaining({ allowance: 3 }),
    });
  });

  it('requires fewer heavy days than last year when the clause says 继续下降', async () => {
    const fewer = target({
      id: 'T-HEAVY-FEWER',
      metric: 'aqi',
      strictness: 'soft',
      rule: { kind: 'heavy_days', fewer_than_last_year: true },
    });
    await aqiDays('2020-01-01', '2020-12-31', ['2020-01-05', '2020-02-05']);
    await aqiDays('2021-01-01', '2021-12-31', ['2021-01-05', '2021-02-05']);
    const r = only(await evaluateAsOf(db.pool, fewer, '2022-01-03', { year: 2021 }));
    // Last year 2, so at most 1: 2 is a breach.
    expect(r).toMatchObject({ status: 'breached', value: 2, threshold: 1, final: true });
  });
});
