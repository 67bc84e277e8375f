/**
 * Issue #19 item 6: the overview's per-scope totals count every period of the year of each target, so a
 * monthly target breached in May still counts after June is met (it used to count only the latest month).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readStatusSummaries } from '../../services/api/queries/overview-read.js';
import { insertTarget, recordTestEvaluation, seedDirectory } from '../alerts/fixtures.js';
import { useTestDatabase } from '../helpers/test-db.js';

const db = useTestDatabase();

describe('overview status totals', () => {
  beforeAll(async () => {
    await seedDirectory(db.pool);
    await insertTarget(db.pool, { id: 'T-OV-M', period: 'month', scope: { kind: 'each_area', ids: [] } });
    await insertTarget(db.pool, { id: 'T-OV-Y', scope: { kind: 'each_area', ids: [] } });
    const monthly = [
      ['2024-04', 'met'],
      ['2024-05', 'breached'],
      ['2024-06', 'met'],
    ] as const;
    for (const [periodKey, status] of monthly) {
      await recordTestEvaluation(db.pool, {
        targetId: 'T-OV-M',
        scopeId: 'beiyuan',
        periodKey,
        status,
        asOf: `${periodKey}-28`,
        final: true,
      });
    }
    await recordTestEvaluation(db.pool, {
      targetId: 'T-OV-Y',
      scopeId: 'beiyuan',
      periodKey: '2024',
      status: 'at_risk',
      asOf: '2024-06-30',
    });
    // Another year's period is not this year's.
    await recordTestEvaluation(db.pool, {
      targetId: 'T-OV-M',
      scopeId: 'beiyuan',
      periodKey: '2023-12',
      status: 'breached',
      asOf: '2023-12-31',
      final: true,
    });
  });

  it('counts the May breach of a monthly target after June was met', async () => {
    const summaries = await readStatusSummaries(db.pool, { scopeIds: ['beiyuan'], year: 2024 });
    expect(summaries.get('beiyuan')).toEqual({
      scope_id: 'beiyuan',
      breached: 1,
      at_risk: 1,
      insufficient_data: 0,
      met: 2,
    });
  });
});
