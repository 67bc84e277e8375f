/**
 * The BDA 2020 plan as shipped (config/targets/bda-2020.yaml: district PM2.5, both soft) over a synthetic
 * 2017-2020, evaluated at the end of March and of December 2020 (issue #19 item 10).
 *
 * PM2.5 of the BDA (µg/m³): 2017 41, 2018 45, 2019 40; 2020 Q1 42, Apr–Dec 35 (annual 13447 / 366 = 36.74).
 * - 同比 (BDA20-AIR-01a): Q1 42 against 40 → at_risk; the year ends at 36.7 < 40 → met.
 * - 3-year moving mean (BDA20-AIR-01b): 2018-2020 (45 + 40 + 42) / 3 = 42.3 at Q1 is not below 2017-2019's
 *   42.0 → at_risk; (45 + 40 + 36.7) / 3 = 40.6 at the year end → met.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { enumerateDays } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertScopeDaily, seedRealReference } from './fixtures.js';
import {
  evaluateAt,
  expectedYear,
  loadPlan,
  type YearExpectations,
  unreportedIndicators,
} from './scenario-harness.js';

const INDICATORS = {
  monthly: { 'BDA20-DUST-01': ['bda'], 'BDA20-DUST-02': ['bda'] },
  yearly: { 'BDA20-SOIL-01': ['bda'] },
};

const db = useTestDatabase();
const PLAN = 'bda-2020';

const YEAR: YearExpectations = {
  'BDA20-AIR-01a': { scopes: ['bda'], by: { bda: ['at_risk', 'met'] } },
  'BDA20-AIR-01b': { scopes: ['bda'], by: { bda: ['at_risk', 'met'] } },
};

beforeAll(async () => {
  await seedRealReference(db.pool);
  await loadPlan(db.pool, PLAN);
  for (const [year, value] of [
    [2017, 41],
    [2018, 45],
    [2019, 40],
  ] as const) {
    const days = enumerateDays(`${year}-01-01`, `${year}-12-31`).map((day) => ({ day, value }));
    await insertScopeDaily(db.pool, 'bda', 'pm25', days);
  }
  const y2020 = enumerateDays('2020-01-01', '2020-12-31').map((day) => ({
    day,
    value: day < '2020-04-01' ? 42 : 35,
  }));
  await insertScopeDaily(db.pool, 'bda', 'pm25', y2020);
});

describe('bda-2020 over a synthetic year', () => {
  it('has the expected status for every target at the end of March', async () => {
    const r = await evaluateAt(db.pool, PLAN, 2020, '2020-03-31');
    expect(r.statuses).toEqual({
      ...expectedYear(2020, 0, YEAR),
      ...unreportedIndicators(2020, 0, INDICATORS),
    });
    expect(r.row('BDA20-AIR-01a', 'bda')).toMatchObject({ value: 42, threshold: 40, final: false });
    expect(r.row('BDA20-AIR-01a', 'bda').explanationZh).toContain('有效91天');
  });

  it('has the expected final status for every target at the end of December', async () => {
    const r = await evaluateAt(db.pool, PLAN, 2020, '2020-12-31');
    expect(r.statuses).toEqual({
      ...expectedYear(2020, 1, YEAR),
      ...unreportedIndicators(2020, 1, INDICATORS),
    });
    expect(r.rows.every((x) => x.final)).toBe(true);
    expect(r.row('BDA20-AIR-01a', 'bda').value).toBeCloseTo(13447 / 366, 9);
  });
});
