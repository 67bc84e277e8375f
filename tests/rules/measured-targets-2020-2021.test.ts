/**
 * Issue #19 item 8: the measured targets that were missing — road dust residue judged test by test
 * (TZ20-AIR-05a/b ≤ 8 / ≤ 10 g/m², TZ21-AIR-06 ≈ 6 g/m²) and TZ20-AIR-01c, the district's PM2.5 improvement
 * against the city's, from the city's monthly means delivered on the district's series.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepTargets } from '../../services/targets/evaluate-pending.js';
import { loadPlanFiles } from '../../services/targets/load-targets.js';
import { upsertPlanFile } from '../../services/targets/target-queries.js';
import { listCurrentStatus } from '../../services/targets/targets-status-queries.js';
import { ManualClock, shanghaiInstant } from '../../services/time/shanghai.js';
import {
  insertScopeMonthly,
  months,
  pm25Days,
  useRuleDatabase,
  writeMeasurements,
} from '../targets/fixtures.js';

const db = useRuleDatabase();
const ROOT = path.resolve(import.meta.dirname, '../..');

async function evaluate(planId: string, targetIds: string[], today: string, year: number) {
  const plans = await loadPlanFiles(path.join(ROOT, 'config/targets'));
  await upsertPlanFile(
    db.pool,
    plans.find((p) => p.plan.id === planId)!,
  );
  await sweepTargets(db.pool, { clock: new ManualClock(shanghaiInstant(today, 12)), targetIds, year });
  const rows = await listCurrentStatus(db.pool, { targetIds });
  return (id: string) => rows.find((r) => r.targetId === id)!;
}

/** One road-dust residue test on the district's series. */
const test = (day: string, value: number, flags: string[] = []) => ({
  ts: shanghaiInstant(day, 10),
  seriesId: 'tongzhou',
  metricId: 'road_dust_residue',
  value,
  flags,
  dataVersion: 1 as const,
});

describe('road dust residue and the city-wide improvement', () => {
  it('TZ20-AIR-05a breaches on one 严控区 test above 8; 05b judges the other roads alone', async () => {
    await writeMeasurements(
      db.pool,
      [
        test('2020-03-05', 7.5, ['严控区']),
        test('2020-06-12', 8.6, ['严控区']),
        test('2020-06-12', 9.5),
        test('2020-09-01', 7.0),
      ].map((r, i) => ({ ...r, ts: new Date(r.ts.getTime() + i * 60_000) })),
    );
    const of = await evaluate('tongzhou-2020', ['TZ20-AIR-05a', 'TZ20-AIR-05b'], '2021-01-05', 2020);
    expect(of('TZ20-AIR-05a')).toMatchObject({ status: 'breached', final: true, value: 8.6, threshold: 8 });
    expect(of('TZ20-AIR-05a').explanationZh).toContain('严控区内道路尘土残存量检测2次，最大8.6克/平方米');
    expect(of('TZ20-AIR-05a').explanationZh).toContain('超过8的1次（6月12日8.6）');
    expect(of('TZ20-AIR-05b')).toMatchObject({ status: 'met', final: true, value: 9.5, threshold: 10 });
  });

  it('TZ21-AIR-06 (≈ 6, soft): a 重点区域 test at 6.4 is at_risk, one at 6.7 breaches', async () => {
    await writeMeasurements(db.pool, [test('2021-04-01', 6.4, ['重点区域']), test('2021-05-01', 9, [])]);
    let of = await evaluate('tongzhou-2021', ['TZ21-AIR-06'], '2021-06-01', 2021);
    expect(of('TZ21-AIR-06')).toMatchObject({ status: 'at_risk', final: false, value: 6.4 });
    expect(of('TZ21-AIR-06').explanationZh).toContain('限值6左右（上限6.6）');
    await writeMeasurements(db.pool, [test('2021-07-01', 6.7, ['重点区域'])]);
    of = await evaluate('tongzhou-2021', ['TZ21-AIR-06'], '2021-08-01', 2021);
    expect(of('TZ21-AIR-06')).toMatchObject({ status: 'breached', value: 6.7 });
  });

  it('TZ20-AIR-01c: the district improving 12.0 % beats the city at 9.5 %; at 8.0 % it does not', async () => {
    await pm25Days(db.pool, 'tongzhou', '2019-01-01', '2019-12-31', () => 50);
    await pm25Days(db.pool, 'tongzhou', '2020-01-01', '2020-12-31', () => 44);
    await insertScopeMonthly(
      db.pool,
      'tongzhou',
      'city_pm25',
      months('2019-01', 12, () => 42),
    );
    await insertScopeMonthly(
      db.pool,
      'tongzhou',
      'city_pm25',
      months('2020-01', 12, () => 38),
    );
    let of = await evaluate('tongzhou-2020', ['TZ20-AIR-01c'], '2021-01-05', 2020);
    expect(of('TZ20-AIR-01c')).toMatchObject({ status: 'met', final: true, value: 0.12, threshold: 0.095 });
    expect(of('TZ20-AIR-01c').explanationZh).toContain(
      '改善12.0%；全市12个月均值38.0，去年同期42.0，改善9.5%',
    );

    await pm25Days(db.pool, 'tongzhou', '2020-01-01', '2020-12-31', () => 46);
    of = await evaluate('tongzhou-2020', ['TZ20-AIR-01c'], '2021-01-05', 2020);
    expect(of('TZ20-AIR-01c')).toMatchObject({ status: 'breached', final: true, value: 0.08 });
  });
});
