/**
 * Issue #19 item 7: TZ21-WAT-01 ("达到或优于V类水体，达到国家市级相应考核要求", 001:709) keeps the NH3-N ≤ 4 mg/L
 * relaxation the 2020 plan granted 后元化 and 王家摆 (000:3531-3533); the other sections get none.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepTargets } from '../../services/targets/evaluate-pending.js';
import { loadPlanFiles } from '../../services/targets/load-targets.js';
import { upsertPlanFile } from '../../services/targets/target-queries.js';
import { listCurrentStatus } from '../../services/targets/targets-status-queries.js';
import { ManualClock, shanghaiInstant } from '../../services/time/shanghai.js';
import { insertWaterMonth, useRuleDatabase } from '../targets/fixtures.js';

const db = useRuleDatabase();
const ROOT = path.resolve(import.meta.dirname, '../..');

/** Class V in every indicator except NH3-N. */
const classV = (nh3n: number) => ({ nh3n, cod: 35, codmn: 12, bod5: 8, tp: 0.35, do: 3.5 });

describe('TZ21-WAT-01 and the 2020 NH3-N relaxation', () => {
  it('meets 后元化 and 王家摆 at NH3-N 3 mg/L, breaches 许各庄 at the same level', async () => {
    const plans = await loadPlanFiles(path.join(ROOT, 'config/targets'));
    await upsertPlanFile(
      db.pool,
      plans.find((p) => p.plan.id === 'tongzhou-2021')!,
    );
    for (const site of ['ganggouhe_houyuanhua', 'beiyunhe_wangjiabai', 'liangshuihe_xugezhuang']) {
      for (let m = 1; m <= 12; m++)
        await insertWaterMonth(db.pool, site, `2021-${String(m).padStart(2, '0')}`, 6, classV(3));
    }
    await sweepTargets(db.pool, {
      clock: new ManualClock(shanghaiInstant('2022-01-10', 12)),
      targetIds: ['TZ21-WAT-01'],
      year: 2021,
    });
    const rows = await listCurrentStatus(db.pool, { targetIds: ['TZ21-WAT-01'] });
    const of = (scope: string) => rows.find((r) => r.scopeId === scope)!;
    expect(of('ganggouhe_houyuanhua')).toMatchObject({ status: 'met', final: true });
    expect(of('ganggouhe_houyuanhua').explanationZh).toContain('目标Ⅴ类（氨氮≤4mg/L）');
    expect(of('beiyunhe_wangjiabai')).toMatchObject({ status: 'met', final: true });
    expect(of('liangshuihe_xugezhuang')).toMatchObject({ status: 'breached', final: true });
    expect(of('liangshuihe_xugezhuang').explanationZh).toContain('超标参数：氨氮');
  });
});
