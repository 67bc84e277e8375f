/**
 * Issue #19 item 2: the order in which avg() adds doubles changes the last digit of a mean, and an
 * evaluation identical but for that digit was stored again (11 extra history rows in a quarter's demo), and a
 * report's data fingerprint changed with no change in the data.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dataFingerprint } from '../../services/reports/produce-report.js';
import type { ReportData } from '../../services/reports/report-types.js';
import type { RuleResult } from '../../services/rules/rule-kind.js';
import { fingerprintOf, storeEvaluations } from '../../services/targets/evaluation-queries.js';
import { insertTarget, seedDirectory } from '../alerts/fixtures.js';
import { useTestDatabase } from '../helpers/test-db.js';

const db = useTestDatabase();

// 50.94 as two summation orders give it: the same mean to 15 significant digits.
const A = 50.94;
const B = 50.940000000000005;

function result(value: number): RuleResult {
  return {
    asOf: '2024-03-31',
    status: 'breached',
    final: false,
    value,
    threshold: 35,
    coverage: 31 / 91,
    dataVersion: 'provisional',
    explanationZh: `累计均值 ${value.toFixed(1)} 微克/立方米，限值 35。`,
    explanationEn: `Cumulative mean ${value.toFixed(1)} µg/m³, limit 35.`,
    details: {},
  };
}

describe('fingerprints see values as the rules round them, not float noise', () => {
  beforeAll(async () => {
    await seedDirectory(db.pool);
    await insertTarget(db.pool, { id: 'T-FP-01' });
  });

  it('two runs of the same evaluation store one history row', async () => {
    expect(A).not.toBe(B);
    expect(fingerprintOf(result(B))).toBe(fingerprintOf(result(A)));
    for (const v of [A, B]) {
      await storeEvaluations(db.pool, [
        { targetId: 'T-FP-01', scopeId: 'beiyuan', periodKey: '2024', result: result(v) },
      ]);
    }
    const { rows } = await db.pool.query(
      `SELECT value FROM evaluation WHERE target_id = 'T-FP-01' AND scope_id = 'beiyuan'`,
    );
    expect(rows).toEqual([{ value: A }]);
  });

  it('a real change of the value still stores a new row', async () => {
    await storeEvaluations(db.pool, [
      { targetId: 'T-FP-01', scopeId: 'beiyuan', periodKey: '2024', result: result(50.95) },
    ]);
    const { rows } = await db.pool.query(
      `SELECT value FROM evaluation WHERE target_id = 'T-FP-01' AND scope_id = 'beiyuan' ORDER BY id`,
    );
    expect(rows).toEqual([{ value: A }, { value: 50.95 }]);
  });

  it("a report's data fingerprint ignores the last-digit noise of its means", () => {
    const data = (mean: number) =>
      ({ kind: 'monthly', rows: [{ scope: 'beiyuan', mean, days: 31 }] }) as unknown as ReportData;
    expect(dataFingerprint(data(B))).toBe(dataFingerprint(data(A)));
    expect(dataFingerprint(data(50.95))).not.toBe(dataFingerprint(data(A)));
  });
});
