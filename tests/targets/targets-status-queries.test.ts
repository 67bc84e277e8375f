/** listCurrentStatus: the read contract with the reports and API modules. */
import { beforeAll, describe, expect, it } from 'vitest';
import { listCurrentStatus } from '../../services/targets/targets-status-queries.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { days, evaluateAsOf, insertScopeDaily, seedRealReference, target } from './fixtures.js';

const db = useTestDatabase();

beforeAll(async () => {
  await seedRealReference(db.pool);
  for (const [area, value] of [
    ['beiyuan', 30],
    ['xiji', 50],
  ] as const) {
    await insertScopeDaily(
      db.pool,
      area,
      'pm25',
      days('2024-01-01', '2024-03-31', () => value),
    );
  }
  const monthly = target({
    id: 'T-STATUS-M',
    scope: { kind: 'areas', ids: ['beiyuan', 'xiji'] },
    period: 'month',
    rule: { kind: 'cumulative_mean_limit', max: 40 },
  });
  await evaluateAsOf(db.pool, monthly, '2024-04-01');
});

describe('listCurrentStatus', () => {
  it('returns target, scope, period, status, value, threshold and both explanations', async () => {
    const [row] = await listCurrentStatus(db.pool, {
      scopeIds: ['xiji'],
      periodKey: '2024-02',
      targetIds: ['T-STATUS-M'],
    });
    expect(row).toMatchObject({
      targetId: 'T-STATUS-M',
      planId: 'test-2024',
      scopeId: 'xiji',
      periodKey: '2024-02',
      status: 'breached',
      final: true,
      value: 50,
      threshold: 40,
      asOf: '2024-02-29',
      strictness: 'hard',
    });
    expect(row!.explanationZh).toMatch(/^西集镇 · T-STATUS-M（test）测试目标，2024年2月：/);
    expect(row!.explanationEn).toMatch(/^Xiji .*T-STATUS-M \(test\) Test target, 2024-02: /);
  });

  it('filters by period across scopes', async () => {
    const rows = await listCurrentStatus(db.pool, { periodKey: '2024-03' });
    expect(rows.map((r) => [r.scopeId, r.status])).toEqual([
      ['beiyuan', 'met'],
      ['xiji', 'breached'],
    ]);
  });

  it('returns every current row without a filter, one per (target, scope, period) that has started', async () => {
    const rows = await listCurrentStatus(db.pool);
    // Two units × January-April: April has begun on 1 April, without a day of data yet.
    expect(rows.filter((r) => r.scopeId === 'xiji').map((r) => [r.periodKey, r.status])).toEqual([
      ['2024-01', 'breached'],
      ['2024-02', 'breached'],
      ['2024-03', 'breached'],
      ['2024-04', 'insufficient_data'],
    ]);
    expect(rows).toHaveLength(8);
  });
});
