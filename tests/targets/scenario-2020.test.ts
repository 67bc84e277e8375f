/**
 * The 2020 plan as shipped (config/targets/tongzhou-2020.yaml) over a synthetic 2017-2020 (scenario-2020-data.ts,
 * which explains every number), evaluated at the end of March and of December 2020 (issue #19 item 10). Each
 * expected status is worked out by hand from those numbers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from './fixtures.js';
import { loadScenario2020, NINE_SECTIONS, UNITS_2020 } from './scenario-2020-data.js';
import {
  MET2,
  evaluateAt,
  expectedMonths,
  expectedYear,
  loadPlan,
  unreportedIndicators,
  type YearExpectations,
} from './scenario-harness.js';

// The 净土 and 碧水 (畜禽粪污) manual-entry indicators (issue 16): the synthetic year has no reports, so no verdict but
// insufficient data — never a 0.
const INDICATORS = {
  monthly: {},
  yearly: Object.fromEntries(
    ['TZ20-SOIL-01', 'TZ20-SOIL-02', 'TZ20-SOIL-03', 'TZ20-SOIL-04', 'TZ20-SOIL-05', 'TZ20-WAT-02'].map(
      (t) => [t, ['tongzhou']],
    ),
  ),
};

const db = useTestDatabase();
const PLAN = 'tongzhou-2020';

const YEAR: YearExpectations = {
  // Q1 52 against 50 a year earlier: up; the year ends at 44.5.
  'TZ20-AIR-01a': { scopes: ['tongzhou'], by: { tongzhou: ['at_risk', 'met'] } },
  // 3-year means 52.3 and 49.8 against 55.0.
  'TZ20-AIR-01b': { scopes: ['tongzhou'], by: { tongzhou: MET2 } },
  // District −4.0 % at Q1 (city +4.8 %), +11.0 % at the year end.
  'TZ20-AIR-01c': { scopes: ['tongzhou'], by: { tongzhou: ['at_risk', 'met'] } },
  // District 52.0 / 44.5; 北苑 52.5 / 45.0 > +0; 马驹桥 55.0 / 47.5 = +3; 张家湾 55.5 / 48.0 > +3.
  'TZ20-AIR-02': {
    scopes: UNITS_2020,
    by: { '*': MET2, beiyuan: ['at_risk', 'breached'], zhangjiawan: ['at_risk', 'breached'] },
  },
  // 5.5 so far, the rest may average 6.17 (last year's rest 5.0); the year ends at 67 / 12 = 5.58.
  'TZ20-AIR-03': { scopes: ['tongzhou'], by: { tongzhou: MET2 } },
  // 宋庄 8.0: the rest must average 5.33, below last year's 6.0 → at_risk; 8.0 > 6 at the end.
  'TZ20-AIR-04': { scopes: UNITS_2020, by: { '*': MET2, songzhuang: ['at_risk', 'breached'] } },
  // 严控区 7.0 by March; 8.4 in May breaks ≤ 8. The other road's 9.0 keeps ≤ 10.
  'TZ20-AIR-05a': { scopes: ['tongzhou'], by: { tongzhou: ['met', 'breached'] } },
  'TZ20-AIR-05b': { scopes: ['tongzhou'], by: { tongzhou: MET2 } },
  'TZ20-WAT-01a': {
    scopes: NINE_SECTIONS.slice(0, 5),
    by: { '*': MET2, liangshuihe_xugezhuang: ['at_risk', 'breached'] },
  },
  // 马头: one month of three, then of twelve — under 75 %; 里老节制闸 class V against IV.
  'TZ20-WAT-01b': {
    scopes: NINE_SECTIONS.slice(5),
    by: {
      '*': MET2,
      ganggouhe_matou: ['insufficient_data', 'insufficient_data'],
      ganggouhe_lilaojiezhizha: ['at_risk', 'breached'],
    },
  },
};

function expected(i: 0 | 1) {
  return {
    ...expectedYear(2020, i, YEAR),
    ...unreportedIndicators(2020, i, INDICATORS),
    // Each month at most 6: April's 6.5 is the only breach.
    ...expectedMonths('TZ20-AIR-03m', ['tongzhou'], 2020, i, (_s, m) =>
      m === '2020-04' ? 'breached' : 'met',
    ),
  };
}

beforeAll(async () => {
  await seedRealReference(db.pool);
  await loadPlan(db.pool, PLAN);
  await loadScenario2020(db.pool);
});

describe('tongzhou-2020 over a synthetic year', () => {
  it('has the expected status for every target and scope at the end of March', async () => {
    const r = await evaluateAt(db.pool, PLAN, 2020, '2020-03-31');
    expect(r.statuses).toEqual(expected(0));
    expect(r.row('TZ20-AIR-01c', 'tongzhou')).toMatchObject({ value: -0.04, threshold: 0.048 });
    expect(r.row('TZ20-WAT-01b', 'ganggouhe_matou').explanationZh).toContain(
      '1个月有监测（应有3个月），不足75%',
    );
  });

  it('has the expected final status for every target and scope at the end of December', async () => {
    const r = await evaluateAt(db.pool, PLAN, 2020, '2020-12-31');
    expect(r.statuses).toEqual(expected(1));
    expect(r.rows.every((x) => x.final || x.status === 'insufficient_data')).toBe(true);
    expect(r.row('TZ20-AIR-01a', 'tongzhou').value).toBeCloseTo(16282 / 366, 9);
    expect(r.row('TZ20-AIR-01c', 'tongzhou')).toMatchObject({ value: 0.11, threshold: 0.048 });
    expect(r.row('TZ20-AIR-05a', 'tongzhou').explanationZh).toContain('超过8的1次（5月20日8.4）');
    expect(r.row('TZ20-WAT-01a', 'ganggouhe_houyuanhua').explanationZh).toContain('目标Ⅴ类（氨氮≤4mg/L）');
    expect(r.row('TZ20-WAT-01b', 'ganggouhe_matou')).toMatchObject({ final: true });
  });
});
