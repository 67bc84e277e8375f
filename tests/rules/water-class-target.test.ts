/** water_class_target on the reference sections (sites-water.yaml) with monthly classes and parameter means. */
import { describe, expect, it } from 'vitest';
import { evaluateAsOf, insertWaterMonth, only, target, useRuleDatabase } from '../targets/fixtures.js';

const db = useRuleDatabase();

const water = (
  id: string,
  sections: string[],
  rule: Record<string, unknown>,
  strictness: 'hard' | 'soft' = 'hard',
) =>
  target({
    id,
    metric: 'water_class',
    scope: { kind: 'sections', ids: sections },
    strictness,
    rule: { kind: 'water_class_target', ...rule },
  });

/** Class V in every indicator except NH3-N (2.0 is the class V limit). */
const classV = (nh3n: number) => ({ nh3n, cod: 35, codmn: 12, bod5: 8, tp: 0.35, do: 3.5 });

describe('water_class_target', () => {
  it('meets 后元化 with NH3-N at 3.5 mg/L: worse than V by GB 3838, within the 2020 override NH3-N ≤ 4', async () => {
    for (let m = 1; m <= 12; m++)
      await insertWaterMonth(
        db.pool,
        'ganggouhe_houyuanhua',
        `2020-${String(m).padStart(2, '0')}`,
        6,
        classV(3.5),
      );
    const r = only(
      await evaluateAsOf(
        db.pool,
        water('T-W-OVR', ['ganggouhe_houyuanhua'], { target_class: 'site' }),
        '2021-01-10',
        { year: 2020 },
      ),
    );
    expect(r).toMatchObject({ status: 'met', final: true, value: 6, threshold: 5 });
    expect(r.explanationZh).toContain('各参数均值评价为劣Ⅴ类');
    // Parameters by the names of GB 3838 表1, as the bulletins print them (issue #19 item 5).
    expect(r.explanationZh).toContain('目标Ⅴ类（氨氮≤4mg/L）');
    expect(r.explanationZh).not.toContain('nh3n');
    expect(r.explanationEn).toContain('class V (ammonia nitrogen (NH3-N) ≤ 4 mg/L)');
  });

  it('breaches the same section with NH3-N at 4.2 mg/L', async () => {
    for (let m = 1; m <= 12; m++)
      await insertWaterMonth(
        db.pool,
        'ganggouhe_houyuanhua',
        `2020-${String(m).padStart(2, '0')}`,
        6,
        classV(4.2),
      );
    const r = only(
      await evaluateAsOf(
        db.pool,
        water('T-W-OVR2', ['ganggouhe_houyuanhua'], { target_class: 'site' }),
        '2021-01-10',
        { year: 2020 },
      ),
    );
    expect(r).toMatchObject({ status: 'breached', final: true });
    expect(r.explanationZh).toContain('超标参数：氨氮');
    expect(r.explanationZh).not.toContain('nh3n');
  });

  it('meets "never 劣Ⅴ" on the annual mean although one month was worse, and says which month', async () => {
    // NH3-N: eleven months at 1.8, one at 3.0 → mean 1.9 ≤ 2.0 (class V).
    for (let m = 1; m <= 12; m++) {
      await insertWaterMonth(
        db.pool,
        'ex_outflow_xiji',
        `2024-${String(m).padStart(2, '0')}`,
        m === 7 ? 6 : 5,
        classV(m === 7 ? 3 : 1.8),
      );
    }
    const r = only(
      await evaluateAsOf(
        db.pool,
        water('T-W-V', ['ex_outflow_xiji'], { target_class: 5 }, 'soft'),
        '2025-01-10',
        { year: 2024 },
      ),
    );
    expect(r).toMatchObject({ status: 'met', final: true, value: 5 });
    expect(r.explanationZh).toContain('单月未达标：7月');
  });

  it('is at_risk during the year when one month failed although the mean so far meets the target', async () => {
    for (let m = 1; m <= 6; m++) {
      await insertWaterMonth(
        db.pool,
        'ex_outflow_xiji',
        `2024-0${m}`,
        m === 3 ? 6 : 5,
        classV(m === 3 ? 3 : 1.5),
      );
    }
    const r = only(
      await evaluateAsOf(
        db.pool,
        water('T-W-V2', ['ex_outflow_xiji'], { target_class: 5 }, 'soft'),
        '2024-07-02',
      ),
    );
    expect(r).toMatchObject({ status: 'at_risk', final: false, asOf: '2024-06-30', coverage: 1 });
  });

  it('breaches an every-month target (吴村 稳定达标) on the first failing month', async () => {
    await insertWaterMonth(db.pool, 'chaobaihe_wucun', '2021-01', 5, classV(1.9));
    await insertWaterMonth(db.pool, 'chaobaihe_wucun', '2021-02', 6, classV(2.4));
    const r = only(
      await evaluateAsOf(
        db.pool,
        water('T-W-EVERY', ['chaobaihe_wucun'], { target_class: 5, assessment: 'every_month' }),
        '2021-03-05',
      ),
    );
    expect(r).toMatchObject({ status: 'breached', final: false, value: 6 });
  });

  it('takes a class delivered without parameters at face value', async () => {
    await insertWaterMonth(db.pool, 'ex_assess_2024_1', '2024-01', 4, {});
    const r = only(
      await evaluateAsOf(
        db.pool,
        water('T-W-CLASS', ['ex_assess_2024_1'], { target_class: 'site' }),
        '2024-02-03',
      ),
    );
    // The site's 2024 target is class Ⅲ; a delivered Ⅳ fails it, still a projection in February.
    expect(r).toMatchObject({ status: 'at_risk', value: 4, threshold: 3 });
  });
});
