/**
 * cumulative_mean_limit with hand-computed expectations: 2024 is a leap year (366 days; 1 Jan – 31 May =
 * 152 days, leaving 214), the comparison is at one decimal after GB/T 8170 rounding (half to even).
 */
import { describe, expect, it } from 'vitest';
import {
  evaluateAsOf,
  insertSandDust,
  insertScopeMonthly,
  months,
  only,
  pm25Days,
  target,
  useRuleDatabase,
} from '../targets/fixtures.js';

const db = useRuleDatabase();

const annual35 = target({ id: 'T-MEAN-01', rule: { kind: 'cumulative_mean_limit', max: 35 } });

describe('cumulative_mean_limit, daily values', () => {
  it('meets a mean of exactly 35.0 at the year end (183 days at 30, 183 at 40)', async () => {
    await pm25Days(db.pool, 'tongzhou', '2024-01-01', '2024-12-31', (_d, i) => (i % 2 === 0 ? 30 : 40));
    const r = only(await evaluateAsOf(db.pool, annual35, '2025-01-05', { year: 2024 }));
    expect(r).toMatchObject({
      status: 'met',
      final: true,
      asOf: '2024-12-31',
      value: 35,
      threshold: 35,
      coverage: 1,
    });
    expect(r.explanationZh).toContain('均值35.0');
  });

  it('meets 35.05, which rounds half-to-even to 35.0', async () => {
    // 366 × 35.05 = 12828.3: one day carries the extra 18.3.
    await pm25Days(db.pool, 'tongzhou', '2024-01-01', '2024-12-31', (_d, i) => (i === 0 ? 53.3 : 35));
    const r = only(await evaluateAsOf(db.pool, annual35, '2025-01-05', { year: 2024 }));
    expect(r.value).toBeCloseTo(35.05, 10);
    expect(r.status).toBe('met');
  });

  it('breaches 35.06, which rounds to 35.1', async () => {
    // 366 × 0.06 = 21.96 extra on one day.
    await pm25Days(db.pool, 'tongzhou', '2024-01-01', '2024-12-31', (_d, i) => (i === 0 ? 56.96 : 35));
    const r = only(await evaluateAsOf(db.pool, annual35, '2025-01-05', { year: 2024 }));
    expect(r).toMatchObject({ status: 'breached', final: true });
    expect(r.explanationZh).toContain('均值35.1');
  });

  it('projects the mean the remaining 214 days must stay under, at_risk when last year was dirtier then', async () => {
    // 152 days at 40.35: sum 6133.2; (35 × 366 − 6133.2) / 214 = 31.2. Last year's 1 Jun – 31 Dec averaged 33.
    await pm25Days(db.pool, 'tongzhou', '2024-01-01', '2024-05-31', () => 40.35);
    await pm25Days(db.pool, 'tongzhou', '2023-06-01', '2023-12-31', () => 33);
    const r = only(await evaluateAsOf(db.pool, annual35, '2024-06-03'));
    expect(r).toMatchObject({ status: 'at_risk', final: false, asOf: '2024-05-31' });
    expect(r.details.requiredRemainingMean as number).toBeCloseTo(31.2, 9);
    expect(r.explanationZh).toContain('剩余214天须平均不高于31.2方能达到35');
    expect(r.explanationEn).toContain('The remaining 214 day(s) must average at most 31.2 to reach 35');
  });

  it('is on track (met) when the same remaining window last year was already cleaner than required', async () => {
    await pm25Days(db.pool, 'tongzhou', '2024-01-01', '2024-05-31', () => 40.35);
    await pm25Days(db.pool, 'tongzhou', '2023-06-01', '2023-12-31', () => 30);
    const r = only(await evaluateAsOf(db.pool, annual35, '2024-06-03'));
    expect(r).toMatchObject({ status: 'met', final: false });
  });

  it('breaches the Q1 target before the quarter ends once even zero for the rest cannot reach 51', async () => {
    // Q1 2024 = 91 days; 89 days at 53 = 4717 > 51 × 91 = 4641.
    const q1 = target({ id: 'T-MEAN-Q1', period: 'q1', rule: { kind: 'cumulative_mean_limit', max: 51 } });
    await pm25Days(db.pool, 'tongzhou', '2024-01-01', '2024-03-29', () => 53);
    const r = only(await evaluateAsOf(db.pool, q1, '2024-03-30'));
    expect(r).toMatchObject({ status: 'breached', final: false, periodKey: '2024-Q1', asOf: '2024-03-29' });
  });

  it('reads whole months from scope_monthly and the partial month from scope_daily', async () => {
    // January (31 valid days) and February (29) at 40 as monthly rollups, 1-10 March at 30 as days:
    // (40 × 60 + 30 × 10) / 70 = 38.571…
    await db.pool.query(
      `INSERT INTO scope_monthly (scope_id, metric_id, month, value, n_days, n_valid_days, valid, min_version)
       VALUES ('tongzhou', 'pm25', '2024-01-01', 40, 31, 31, true, 1), ('tongzhou', 'pm25', '2024-02-01', 40, 29, 29, true, 1)`,
    );
    await pm25Days(db.pool, 'tongzhou', '2024-03-01', '2024-03-10', () => 30);
    const r = only(await evaluateAsOf(db.pool, annual35, '2024-03-11'));
    expect(r.value).toBeCloseTo(2700 / 70, 9);
    expect(r).toMatchObject({ asOf: '2024-03-10', coverage: 1, dataVersion: 'mixed' });
  });

  it('says insufficient_data when fewer than 324/365 of the days so far are valid', async () => {
    // 100 days, 88 valid: 0.88 < 0.8877.
    await pm25Days(db.pool, 'tongzhou', '2024-01-01', '2024-04-09', (_d, i) => (i < 12 ? null : 30));
    const r = only(await evaluateAsOf(db.pool, annual35, '2024-04-10'));
    expect(r).toMatchObject({ status: 'insufficient_data', coverage: 0.88 });
  });
});

describe('cumulative_mean_limit, one calendar month of daily values (GB 3095 Table 4)', () => {
  const feb = target({ id: 'T-MEAN-M', period: 'month', rule: { kind: 'cumulative_mean_limit', max: 75 } });

  it('cannot decide February 2024 with 24 valid days of 29', async () => {
    await pm25Days(db.pool, 'tongzhou', '2024-02-01', '2024-02-29', (_d, i) => (i < 5 ? null : 40));
    const rows = await evaluateAsOf(db.pool, feb, '2024-03-02');
    expect(rows.find((r) => r.periodKey === '2024-02')).toMatchObject({
      status: 'insufficient_data',
      final: false,
    });
  });

  it('decides February 2024 with 25 valid days (February needs 25, other months 27)', async () => {
    await pm25Days(db.pool, 'tongzhou', '2024-02-01', '2024-02-29', (_d, i) => (i < 4 ? null : 40));
    const rows = await evaluateAsOf(db.pool, feb, '2024-03-02');
    expect(rows.find((r) => r.periodKey === '2024-02')).toMatchObject({
      status: 'met',
      final: true,
      asOf: '2024-02-29',
    });
  });
});

describe('cumulative_mean_limit, monthly values with 左右 and sand-dust exclusion (dust fall)', () => {
  const about5 = target({
    id: 'T-DUST-01',
    metric: 'dust_fall',
    clause_zh: '降尘量控制在 5 吨/平方公里·月左右（扣除沙尘影响）',
    strictness: 'soft',
    exclude_sand_dust: true,
    rule: { kind: 'cumulative_mean_limit', input: 'monthly', max: 5, approx: true },
  });

  it('leaves out a March hit by sand-dust, which turns a breach into met', async () => {
    // Without March: 11 × 5.0 / 11 = 5.0. With it: (55 + 12) / 12 = 5.58 > 5.5 (5 + 10 %).
    await insertScopeMonthly(
      db.pool,
      'tongzhou',
      'dust_fall',
      months('2024-01', 12, (m) => (m === '2024-03' ? 12 : 5)),
    );
    await insertSandDust(db.pool, { from: '2024-03-14', to: '2024-03-16', districtId: 'tongzhou' });
    const r = only(await evaluateAsOf(db.pool, about5, '2025-01-10', { year: 2024 }));
    expect(r).toMatchObject({ status: 'met', final: true, value: 5, coverage: 1 });
    expect(r.explanationZh).toContain('已扣除沙尘影响1个月');
  });

  it('breaches the same year when the target does not exclude sand-dust', async () => {
    await insertScopeMonthly(
      db.pool,
      'tongzhou',
      'dust_fall',
      months('2024-01', 12, (m) => (m === '2024-03' ? 12 : 5)),
    );
    await insertSandDust(db.pool, { from: '2024-03-14', to: '2024-03-16', districtId: 'tongzhou' });
    const r = only(
      await evaluateAsOf(db.pool, { ...about5, id: 'T-DUST-02', exclude_sand_dust: false }, '2025-01-10', {
        year: 2024,
      }),
    );
    expect(r.value).toBeCloseTo(67 / 12, 10);
    expect(r.status).toBe('breached');
  });

  it('is at_risk between 5 and the 左右 upper bound 5.5', async () => {
    await insertScopeMonthly(
      db.pool,
      'tongzhou',
      'dust_fall',
      months('2024-01', 12, () => 5.3),
    );
    const r = only(await evaluateAsOf(db.pool, about5, '2025-01-10', { year: 2024 }));
    expect(r).toMatchObject({ status: 'at_risk', final: true });
    expect(r.explanationZh).toContain('5左右（容差10%，上限5.5）');
  });
});
