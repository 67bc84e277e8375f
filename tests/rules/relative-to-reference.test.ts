/**
 * relative_to_reference with four streets/towns (a listed scope, so the reference mean is over these four):
 * means this year A 36.0, B 39.0, C 33.0, D 38.0 → unit mean 36.5; last year A 37.0, B 42.0, C 33.0, D 38.0.
 * Relative improvement rates (rounded to 0.1 point): A 2.7 %, B 7.1 %, C 0.0 %, D 0.0 % → average 2.45 %, which
 * GB/T 8170 rounds half-to-even to 2.4 %.
 */
import { describe, expect, it } from 'vitest';
import {
  days,
  evaluateAsOf,
  insertScopeDaily,
  insertScopeMonthly,
  months,
  pm25Days,
  target,
  useRuleDatabase,
} from '../targets/fixtures.js';

const db = useRuleDatabase();

const UNITS = { beiyuan: [36, 37], wenjing: [39, 42], zhongcang: [33, 33], yuqiao: [38, 38] } as const;

async function annualMeans(): Promise<void> {
  for (const [area, [cur, prev]] of Object.entries(UNITS)) {
    await insertScopeDaily(
      db.pool,
      area,
      'pm25',
      days('2021-01-01', '2021-12-31', () => cur),
    );
    await insertScopeDaily(
      db.pool,
      area,
      'pm25',
      days('2020-01-01', '2020-12-31', () => prev),
    );
  }
}

const tiering2021 = target({
  id: 'T-REF-2021',
  scope: { kind: 'areas', ids: Object.keys(UNITS) },
  main_units: ['streets_towns'],
  rule: {
    kind: 'relative_to_reference',
    reference: 'mean_of_units',
    alternatives: ['level', 'improvement_above_average'],
    tiers: [
      { offset: 0, areas: ['beiyuan', 'zhongcang', 'yuqiao'] },
      { offset: 2, areas: ['wenjing'] },
    ],
  },
});

async function statusOf(scope: string) {
  const rows = await evaluateAsOf(db.pool, tiering2021, '2022-01-05', { year: 2021 });
  return rows.find((r) => r.scopeId === scope)!;
}

describe('relative_to_reference (2021 tiering)', () => {
  it('meets a unit above the mean that improved faster than the average rate (B: 39.0 > 38.5, 7.1 % > 2.4 %)', async () => {
    await annualMeans();
    const b = await statusOf('wenjing');
    expect(b).toMatchObject({ status: 'met', final: true, value: 39, threshold: 38.5 });
    expect(b.details).toMatchObject({ reference: 36.5, offset: 2, rate: 0.071, averageRate: 0.024 });
    expect(b.explanationZh).toContain('全区各街道乡镇均值36.5+2=38.5，本单位39.0，不满足');
  });

  it('meets a unit at the level without improving (C: 33.0 ≤ 36.5)', async () => {
    await annualMeans();
    expect((await statusOf('zhongcang')).status).toBe('met');
  });

  it('breaches at the year end a unit above its level that improved less than the average (D: 38.0, 0 %)', async () => {
    await annualMeans();
    const d = await statusOf('yuqiao');
    expect(d).toMatchObject({ status: 'breached', final: true, value: 38, threshold: 36.5 });
  });

  it('treats the bound as inclusive: exactly reference + offset is met', async () => {
    // A tie at the level: beiyuan 36.5 against a unit mean of (36.5 + 39 + 33 + 38) / 4 = 36.625 → 36.6.
    for (const [area, [cur, prev]] of Object.entries({ ...UNITS, beiyuan: [36.6, 36.6] })) {
      await insertScopeDaily(
        db.pool,
        area,
        'pm25',
        days('2021-01-01', '2021-12-31', () => cur),
      );
      await insertScopeDaily(
        db.pool,
        area,
        'pm25',
        days('2020-01-01', '2020-12-31', () => prev),
      );
    }
    const a = await statusOf('beiyuan');
    expect(a).toMatchObject({ status: 'met', value: 36.6, threshold: 36.6 });
  });
});

describe('relative_to_reference (2020: the district mean, no alternative)', () => {
  it('compares each unit with the district scope mean plus its offset', async () => {
    await pm25Days(db.pool, 'tongzhou', '2020-01-01', '2020-12-31', () => 40);
    await pm25Days(db.pool, 'lucheng', '2020-01-01', '2020-12-31', () => 41.2);
    const t = target({
      id: 'T-REF-2020',
      scope: { kind: 'areas', ids: ['lucheng'] },
      rule: {
        kind: 'relative_to_reference',
        reference: 'district',
        alternatives: ['level'],
        tiers: [{ offset: 1, areas: ['lucheng'] }],
      },
    });
    const [r] = await evaluateAsOf(db.pool, t, '2021-01-05', { year: 2020 });
    // 41.2 > 40 + 1 = 41.0
    expect(r).toMatchObject({ status: 'breached', value: 41.2, threshold: 41 });
  });
});

describe('relative_to_reference (2021 dust fall: improved, or improvement not below the district)', () => {
  it('meets a unit that worsened less than the district did (not below the average: inclusive)', async () => {
    // District 5.0 → 5.5 (−10 %); unit 4.0 → 4.4 (−10 %): equal rates, 不低于 → met.
    await insertScopeMonthly(
      db.pool,
      'tongzhou',
      'dust_fall',
      months('2020-01', 12, () => 5),
    );
    await insertScopeMonthly(
      db.pool,
      'tongzhou',
      'dust_fall',
      months('2021-01', 12, () => 5.5),
    );
    await insertScopeMonthly(
      db.pool,
      'xiji',
      'dust_fall',
      months('2020-01', 12, () => 4),
    );
    await insertScopeMonthly(
      db.pool,
      'xiji',
      'dust_fall',
      months('2021-01', 12, () => 4.4),
    );
    const t = target({
      id: 'T-REF-DUST',
      metric: 'dust_fall',
      scope: { kind: 'areas', ids: ['xiji'] },
      rule: {
        kind: 'relative_to_reference',
        input: 'monthly',
        alternatives: ['improved', 'improvement_above_average'],
        average_rate: 'district_rate',
        improvement_inclusive: true,
      },
    });
    const [r] = await evaluateAsOf(db.pool, t, '2022-01-05', { year: 2021 });
    expect(r).toMatchObject({ status: 'met', final: true });
    expect(r!.details).toMatchObject({ rate: -0.1, averageRate: -0.1 });
  });
});
