/**
 * The 2021 plan as shipped (config/targets/tongzhou-2021.yaml) over a synthetic 2020-2021 (scenario-2021-data.ts,
 * which explains every number), evaluated at the end of March and of December 2021 (issue #19 item 10). Each
 * expected status is worked out by hand from those numbers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from './fixtures.js';
import { NINE_SECTIONS } from './scenario-2020-data.js';
import { loadScenario2021, OUTFLOW_2021 } from './scenario-2021-data.js';
import { TONGZHOU_UNITS } from './scenario-2024-data.js';
import {
  MET2,
  evaluateAt,
  expectedYear,
  loadPlan,
  unreportedIndicators,
  type YearExpectations,
} from './scenario-harness.js';

const INDICATORS = {
  monthly: { 'TZ21-DUST-01': TONGZHOU_UNITS },
  yearly: Object.fromEntries(
    ['TZ21-SOIL-01', 'TZ21-SOIL-02', 'TZ21-WAT-05', 'TZ21-WAT-06', 'TZ21-WAT-07', 'TZ21-WAT-08'].map((t) => [
      t,
      ['tongzhou'],
    ]),
  ),
};

const db = useTestDatabase();
const PLAN = 'tongzhou-2021';

const YEAR: YearExpectations = {
  // Q1 50 against 52; the year 42.5 against 44.5.
  'TZ21-AIR-01a': { scopes: ['tongzhou'], by: { tongzhou: MET2 } },
  // 2020 had 2 heavy days → at most 1: 2021-02-01 uses it (at_risk), 2021-12-05 breaks it.
  'TZ21-AIR-01b': { scopes: ['tongzhou'], by: { tongzhou: ['at_risk', 'breached'] } },
  // 永乐店 60 against 52 at Q1, 52.5 against 44.5 at the end.
  'TZ21-AIR-02a': { scopes: TONGZHOU_UNITS, by: { '*': MET2, yongledian: ['at_risk', 'breached'] } },
  // Units at the district's level are below the mean of units (+0.45); 永乐店 is 10 above (+4 allowed) and
  // worse than last year, so neither alternative holds.
  'TZ21-AIR-02b': { scopes: TONGZHOU_UNITS, by: { '*': MET2, yongledian: ['at_risk', 'breached'] } },
  // 4.8 with March (sand dust) left out, against 5.1.
  'TZ21-AIR-03': { scopes: ['tongzhou'], by: { tongzhou: MET2 } },
  // 潞城 5.2 against 5.0: not improved, −4 % against the district's +4 %.
  'TZ21-AIR-04': { scopes: TONGZHOU_UNITS, by: { '*': MET2, lucheng: ['at_risk', 'breached'] } },
  // 张家湾: 4 months in 2020 → at most 3; Jan and Feb 2021 leave 1 while Apr–Dec 2020 had 2 → at_risk; 2 at
  // the end → met. 马驹桥: none in 2020, June 2021 → breached. Everyone else stays at none (zero baseline).
  'TZ21-AIR-05': {
    scopes: TONGZHOU_UNITS,
    by: { '*': MET2, zhangjiawan: ['at_risk', 'met'], majuqiao: ['met', 'breached'] },
  },
  // 重点区域 5.8 by March; 6.5 in August is above 6 but within 左右 (6.6).
  'TZ21-AIR-06': { scopes: ['tongzhou'], by: { tongzhou: ['met', 'at_risk'] } },
  // 后元化 keeps NH3-N ≤ 4; 许各庄 at 2.4 is 劣Ⅴ.
  'TZ21-WAT-01': {
    scopes: NINE_SECTIONS,
    by: { '*': MET2, liangshuihe_xugezhuang: ['at_risk', 'breached'] },
  },
  // 漷县's July at 3.0 leaves the annual mean at 1.9 (class V): met once the year is over.
  'TZ21-WAT-02': { scopes: OUTFLOW_2021, by: { '*': MET2 } },
  'TZ21-WAT-03': { scopes: ['ex_yudaihe'], by: { ex_yudaihe: ['at_risk', 'breached'] } },
  // 稳定达标 = every month: June fails.
  'TZ21-WAT-04': { scopes: ['chaobaihe_wucun'], by: { chaobaihe_wucun: ['met', 'breached'] } },
};

beforeAll(async () => {
  await seedRealReference(db.pool);
  await loadPlan(db.pool, PLAN);
  await loadScenario2021(db.pool);
});

describe('tongzhou-2021 over a synthetic year', () => {
  it('has the expected status for every target and scope at the end of March', async () => {
    const r = await evaluateAt(db.pool, PLAN, 2021, '2021-03-31');
    expect(r.statuses).toEqual({
      ...expectedYear(2021, 0, YEAR),
      ...unreportedIndicators(2021, 0, INDICATORS),
    });
    expect(r.row('TZ21-AIR-01b', 'tongzhou').explanationZh).toContain('重污染天（AQI>200）1天（2月1日）');
    expect(r.row('TZ21-AIR-05', 'zhangjiawan').explanationZh).toContain(
      '去年4月至12月有2个月进入后30名（11月、12月），多于剩余额度1次',
    );
    expect(r.row('TZ21-AIR-05', 'beiyuan').explanationZh).toContain('上年全年0次，不能再少，保持0次即达标');
    expect(r.row('TZ21-AIR-03', 'tongzhou').explanationZh).toContain('已扣除沙尘影响1个月');
  });

  it('has the expected final status for every target and scope at the end of December', async () => {
    const r = await evaluateAt(db.pool, PLAN, 2021, '2021-12-31');
    expect(r.statuses).toEqual({
      ...expectedYear(2021, 1, YEAR),
      ...unreportedIndicators(2021, 1, INDICATORS),
    });
    expect(r.rows.every((x) => x.final)).toBe(true);
    expect(r.row('TZ21-AIR-01a', 'tongzhou').value).toBeCloseTo(15500 / 365, 9);
    expect(r.row('TZ21-WAT-01', 'ganggouhe_houyuanhua').explanationZh).toContain('目标Ⅴ类（氨氮≤4mg/L）');
    expect(r.row('TZ21-WAT-04', 'chaobaihe_wucun').explanationZh).toContain('未达标月份：6月');
  });
});
