/**
 * The 2024 plan as shipped (config/targets/tongzhou-2024.yaml) over a synthetic year for Tongzhou and its 22
 * streets/towns (scenario-2024-data.ts, which explains every number), evaluated at the end of March, June and
 * December. Each expected status below is worked out by hand from those numbers; the evaluation may not look
 * past the checkpoint although the whole year is loaded.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationStatus } from '../../services/rules/rule-kind.js';
import { sweepTargets } from '../../services/targets/evaluate-pending.js';
import { loadPlanFiles } from '../../services/targets/load-targets.js';
import { upsertPlanFile } from '../../services/targets/target-queries.js';
import { listCurrentStatus } from '../../services/targets/targets-status-queries.js';
import { ManualClock, shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from './fixtures.js';
import { loadScenario2024, TONGZHOU_UNITS } from './scenario-2024-data.js';

const db = useTestDatabase();
const ROOT = path.resolve(import.meta.dirname, '../..');

const ASSESSMENT = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `ex_assess_2024_${n}`);
const OUTFLOW = ['songzhuang', 'zhangjiawan', 'majuqiao', 'xiji', 'yongledian', 'huoxian'].map(
  (t) => `ex_outflow_${t}`,
);

type S = EvaluationStatus;
type Checkpoint = 'march' | 'june' | 'december';
/** Per checkpoint: [March, June, December]. */
type Three = readonly [S, S, S];
const MET: Three = ['met', 'met', 'met'];

/** target → scope → statuses at the three checkpoints; `*` is every other scope the target covers. */
const EXPECTED: Record<string, { period: string; scopes: readonly string[]; by: Record<string, Three> }> = {
  'TZ24-AIR-01': { period: '2024', scopes: ['tongzhou'], by: { tongzhou: ['at_risk', 'at_risk', 'met'] } },
  'TZ24-AIR-02': { period: '2024-Q1', scopes: ['tongzhou'], by: { tongzhou: MET } },
  'TZ24-AIR-03': { period: '2024', scopes: ['tongzhou'], by: { tongzhou: ['at_risk', 'at_risk', 'met'] } },
  'TZ24-AIR-04': { period: '2024-Q1', scopes: ['tongzhou'], by: { tongzhou: MET } },
  'TZ24-AIR-05': {
    period: '2024',
    scopes: TONGZHOU_UNITS,
    by: {
      '*': MET,
      yongledian: ['at_risk', 'at_risk', 'breached'],
      xiji: ['at_risk', 'met', 'met'],
      huoxian: ['insufficient_data', 'insufficient_data', 'insufficient_data'],
    },
  },
  'TZ24-AIR-06a': {
    period: '2024',
    scopes: TONGZHOU_UNITS,
    by: { '*': MET, majuqiao: ['at_risk', 'at_risk', 'breached'] },
  },
  'TZ24-AIR-07a': { period: '2024', scopes: TONGZHOU_UNITS, by: { '*': MET } },
  'TZ24-AIR-08': { period: '2024', scopes: ['tongzhou'], by: { tongzhou: MET } },
  'TZ24-AIR-09': {
    period: '2024',
    scopes: TONGZHOU_UNITS,
    by: { '*': MET, yujiawu: ['at_risk', 'at_risk', 'at_risk'], liyuan: ['at_risk', 'at_risk', 'breached'] },
  },
  'TZ24-AIR-10a': {
    period: '2024',
    scopes: TONGZHOU_UNITS,
    by: { '*': MET, taihu: ['met', 'at_risk', 'met'] },
  },
  'TZ24-WAT-01': {
    period: '2024',
    scopes: ASSESSMENT,
    by: { '*': MET, ex_assess_2024_5: ['at_risk', 'at_risk', 'met'] },
  },
  'TZ24-WAT-02': {
    period: '2024',
    scopes: [...OUTFLOW, 'ex_inflow_taihu'],
    by: { '*': MET, ex_inflow_taihu: ['at_risk', 'at_risk', 'breached'] },
  },
  'TZ24-WAT-05': { period: '2024', scopes: ['ex_yudaihe'], by: { ex_yudaihe: ['met', 'met', 'breached'] } },
};

/** "Never in the monthly bottom N" targets are judged per month: the months breached, all others met. */
const MONTHLY: Record<string, readonly string[]> = {
  'TZ24-AIR-06b': ['majuqiao|2024-02'],
  'TZ24-AIR-07b': [],
  'TZ24-AIR-10b': [],
  'TZ24-AIR-11a': ['songzhuang|2024-08'],
  'TZ24-AIR-11b': ['songzhuang|2024-08', 'lucheng|2024-04'],
};

function expectedAt(checkpoint: Checkpoint): Record<string, S> {
  const i = { march: 0, june: 1, december: 2 }[checkpoint];
  const out: Record<string, S> = {};
  for (const [targetId, e] of Object.entries(EXPECTED)) {
    for (const scope of e.scopes) out[`${targetId}|${scope}|${e.period}`] = (e.by[scope] ?? e.by['*']!)[i]!;
  }
  // Months that have begun by the checkpoint (each has ended too: the checkpoints are month ends).
  const months = Array.from({ length: [3, 6, 12][i]! }, (_, m) => `2024-${String(m + 1).padStart(2, '0')}`);
  for (const [targetId, breached] of Object.entries(MONTHLY)) {
    for (const scope of TONGZHOU_UNITS) {
      for (const m of months)
        out[`${targetId}|${scope}|${m}`] = breached.includes(`${scope}|${m}`) ? 'breached' : 'met';
    }
  }
  // The monthly dust-fall warning (1.5 × 5 = 7.5): no month reaches it; March is left out for sand dust.
  for (const scope of TONGZHOU_UNITS) {
    for (const m of months) out[`TZ24-AIR-09w|${scope}|${m}`] = m === '2024-03' ? 'insufficient_data' : 'met';
  }
  // The manual-entry indicators (issue 16: spills, post-rain clean-up, black-odorous segments, soil safe use,
  // the farming rates)
  // are reported by the units, and the synthetic year has no reports: no report is "insufficient data", never 0.
  for (const t of ['TZ24-OPS-01a', 'TZ24-OPS-01b', 'TZ24-OPS-02', 'TZ24-OPS-03'])
    for (const m of months) out[`${t}|tongzhou|${m}`] = 'insufficient_data';
  for (let n = 1; n <= 8; n++) out[`TZ24-SOIL-0${n}|tongzhou|2024`] = 'insufficient_data';
  return out;
}

async function evaluateAt(day: string) {
  await sweepTargets(db.pool, { clock: new ManualClock(shanghaiInstant(day, 23)), year: 2024 });
  const rows = (await listCurrentStatus(db.pool)).filter((r) => r.planId === 'tongzhou-2024');
  return {
    rows,
    statuses: Object.fromEntries(rows.map((r) => [`${r.targetId}|${r.scopeId}|${r.periodKey}`, r.status])),
    row: (targetId: string, scopeId: string) =>
      rows.find((r) => r.targetId === targetId && r.scopeId === scopeId)!,
  };
}

beforeAll(async () => {
  await seedRealReference(db.pool);
  const plans = await loadPlanFiles(path.join(ROOT, 'config/targets'));
  await upsertPlanFile(
    db.pool,
    plans.find((p) => p.plan.id === 'tongzhou-2024')!,
  );
  await loadScenario2024(db.pool);
});

describe('tongzhou-2024 over a synthetic year', () => {
  it('has the expected status for every target and scope at the end of March', async () => {
    const r = await evaluateAt('2024-03-31');
    expect(r.statuses).toEqual(expectedAt('march'));
    expect(r.row('TZ24-AIR-01', 'tongzhou').explanationZh).toContain('剩余275天须平均不高于30.0方能达到35');
    expect(r.row('TZ24-AIR-03', 'tongzhou')).toMatchObject({
      value: 3,
      details: expect.objectContaining({ allowance: 1 }),
    });
    expect(r.row('TZ24-AIR-06a', 'majuqiao').explanationZh).toContain('再有1个月进入后30名即未达标');
    expect(
      r.rows.find(
        (x) => x.targetId === 'TZ24-AIR-06b' && x.scopeId === 'majuqiao' && x.periodKey === '2024-02',
      ),
    ).toMatchObject({ status: 'breached', final: true, value: 1, asOf: '2024-02-29' });
  });

  it('has the expected status for every target and scope at the end of June', async () => {
    const r = await evaluateAt('2024-06-30');
    expect(r.statuses).toEqual(expectedAt('june'));
    expect(r.row('TZ24-AIR-08', 'tongzhou')).toMatchObject({ asOf: '2024-06-30', value: 4.9 });
    expect(r.row('TZ24-AIR-05', 'xiji')).toMatchObject({ value: 39.5 });
  });

  it('has the expected final status for every target and scope at the end of December', async () => {
    const r = await evaluateAt('2024-12-31');
    expect(r.statuses).toEqual(expectedAt('december'));
    expect(r.rows.every((x) => x.final || x.status === 'insufficient_data')).toBe(true);
    expect(r.row('TZ24-AIR-01', 'tongzhou').value).toBeCloseTo(12614 / 366, 9);
    expect(r.row('TZ24-AIR-03', 'tongzhou')).toMatchObject({ value: 4, threshold: 4 });
  });
});
