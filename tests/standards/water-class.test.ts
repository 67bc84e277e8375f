import { describe, it, expect } from 'vitest';
import {
  StandardsError,
  classifyParameter,
  classifySection,
  formatWaterClass,
  meetsTarget,
  parseWaterClass,
} from '../../services/standards/index.js';

describe('classifyParameter', () => {
  it('puts NH3-N 1.5 in class IV (limits are inclusive)', () => {
    expect(classifyParameter('nh3n', 1.5, 'river')).toBe(4);
  });

  it('puts NH3-N 1.51 in class V', () => {
    expect(classifyParameter('nh3n', 1.51, 'river')).toBe(5);
  });

  it('puts NH3-N 2.01 in 劣Ⅴ', () => {
    expect(classifyParameter('nh3n', 2.01, 'river')).toBe(6);
  });

  it('puts DO 2.9 in class V (DO is a minimum)', () => {
    expect(classifyParameter('do', 2.9, 'river')).toBe(5);
  });

  it('puts DO 3 in class IV and DO 1.9 in 劣Ⅴ', () => {
    expect([classifyParameter('do', 3, 'river'), classifyParameter('do', 1.9, 'river')]).toEqual([4, 6]);
  });

  it('puts DO 7.5 in class I', () => {
    expect(classifyParameter('do', 7.5, 'lake')).toBe(1);
  });

  it('gives the better class when two classes share a limit (COD 15 → I)', () => {
    expect(classifyParameter('cod', 15, 'river')).toBe(1);
  });

  it('uses the lake TP column for lakes (0.2 → III in a river, V in a lake)', () => {
    expect([classifyParameter('tp', 0.2, 'river'), classifyParameter('tp', 0.2, 'lake')]).toEqual([3, 5]);
  });

  it('classifies lake TN (1.2 → IV)', () => {
    expect(classifyParameter('tn', 1.2, 'lake')).toBe(4);
  });

  it('refuses river TN, which GB 3838 does not define', () => {
    expect(() => classifyParameter('tn', 1.2, 'river')).toThrow(StandardsError);
  });

  it('puts pH inside 6–9 in class I and outside in 劣Ⅴ', () => {
    expect([classifyParameter('ph', 9, 'river'), classifyParameter('ph', 9.1, 'river')]).toEqual([1, 6]);
  });

  it('puts mercury 0.0001 in class III', () => {
    expect(classifyParameter('hg', 0.0001, 'river')).toBe(3);
  });
});

describe('classifySection', () => {
  it('takes the worst class of the indicators and names the deciding one', () => {
    const result = classifySection({ do: 6, codmn: 7, nh3n: 1.6, tp: 0.25 }, { waterbody: 'river' });
    expect([result.class, result.decidingParameters]).toEqual([5, ['nh3n']]);
  });

  it('leaves TN out of a river section', () => {
    expect(classifySection({ nh3n: 0.4, tn: 10 }, { waterbody: 'river' }).class).toBe(2);
  });

  it('leaves TN out of a lake class but reports it as a reference', () => {
    const result = classifySection({ nh3n: 0.4, tn: 1.2 }, { waterbody: 'lake' });
    expect([result.class, result.referenceTnClass]).toEqual([2, 4]);
  });

  it('lets lake TN decide the class when asked to', () => {
    expect(classifySection({ nh3n: 0.4, tn: 1.2 }, { waterbody: 'lake', includeLakeTn: true }).class).toBe(4);
  });

  it('ignores water temperature and fecal coliform', () => {
    const result = classifySection(
      { nh3n: 0.4, water_temperature: 30, fecal_coliform: 90000 },
      { waterbody: 'river' },
    );
    expect(result.class).toBe(2);
  });

  it('rejects an unknown parameter id', () => {
    expect(() => classifySection({ nh3_n: 3 }, { waterbody: 'river' })).toThrow(StandardsError);
  });

  it('refuses a section with nothing to evaluate', () => {
    expect(() => classifySection({ water_temperature: 20 }, { waterbody: 'river' })).toThrow(StandardsError);
  });

  it('names no main pollutant at class III', () => {
    expect(classifySection({ nh3n: 1.0, codmn: 6 }, { waterbody: 'river' }).mainPollutants).toEqual([]);
  });
});

describe('classifySection main pollutants', () => {
  // Classes: NH3-N 2.6 劣Ⅴ, TP 0.5 劣Ⅴ, CODMn 12 V, BOD5 7 V, COD 35 V, DO 4 IV.
  // Multiples against III: NH3-N (2.6−1)/1 = 1.6, TP (0.5−0.2)/0.2 = 1.5, CODMn (12−6)/6 = 1, BOD5 and COD 0.75.
  const sample = { codmn: 12, nh3n: 2.6, tp: 0.5, bod5: 7, cod: 35, do: 4 };

  it('orders the three worst by class, then by exceedance multiple', () => {
    const result = classifySection(sample, { waterbody: 'river' });
    expect(result.mainPollutants.map((m) => m.param)).toEqual(['nh3n', 'tp', 'codmn']);
  });

  it('computes the multiples against class III by default', () => {
    const result = classifySection(sample, { waterbody: 'river' });
    expect(result.mainPollutants.map((m) => [m.limit, m.exceedanceMultiple])).toEqual([
      [1, 1.6],
      [0.2, 1.5],
      [6, 1],
    ]);
  });

  it('computes the multiples against the target class passed in', () => {
    const result = classifySection(sample, { waterbody: 'river', targetClass: 5 });
    // NH3-N (2.6−2)/2 = 0.3, TP (0.5−0.4)/0.4 = 0.25, CODMn (12−15)/15 = −0.2 (within the target).
    expect(result.mainPollutants.map((m) => m.exceedanceMultiple)).toEqual([0.3, 0.25, -0.2]);
  });

  it('selects the same main pollutants whatever the target class', () => {
    // Against V the class-V multiples would rank COD (−0.125) above CODMn (−0.2); selection stays on III.
    const againstIii = classifySection(sample, { waterbody: 'river' }).mainPollutants.map((m) => m.param);
    const againstV = classifySection(sample, { waterbody: 'river', targetClass: 5 }).mainPollutants.map(
      (m) => m.param,
    );
    expect(againstV).toEqual(againstIii);
  });

  it('gives DO no exceedance multiple and ranks it after same-class indicators that have one', () => {
    const result = classifySection({ do: 1.5, nh3n: 2.2 }, { waterbody: 'river' });
    expect(result.mainPollutants).toEqual([
      { param: 'nh3n', value: 2.2, class: 6, limit: 1, exceedanceMultiple: 1.2 },
      { param: 'do', value: 1.5, class: 6, limit: 5, exceedanceMultiple: null },
    ]);
  });

  it('puts an exceeding heavy metal first even when its class is better', () => {
    // Pb 0.08 is class V, (0.08−0.05)/0.05 = 0.6; NH3-N 3 is 劣Ⅴ.
    const result = classifySection({ nh3n: 3, pb: 0.08 }, { waterbody: 'river' });
    expect(result.mainPollutants.map((m) => m.param)).toEqual(['pb', 'nh3n']);
  });

  it('uses an override as the limit of its parameter', () => {
    const result = classifySection(
      { nh3n: 5 },
      { waterbody: 'river', targetClass: 5, overrides: { nh3n: { max: 4 } } },
    );
    expect(result.mainPollutants[0]).toMatchObject({ limit: 4, exceedanceMultiple: 0.25 });
  });
});

describe('meetsTarget', () => {
  const nh3nOverride = { waterbody: 'river', overrides: { nh3n: { max: 4 } } } as const;

  it('meets a class-V target with NH3-N 3.5 under the "NH3-N ≤ 4" override', () => {
    const result = meetsTarget({ nh3n: 3.5, codmn: 14, tp: 0.35 }, 5, nh3nOverride);
    expect(result).toEqual({ met: true, class: 6, failingParameters: [] });
  });

  it('misses the target when NH3-N exceeds the override', () => {
    expect(meetsTarget({ nh3n: 4.2, codmn: 14 }, 5, nh3nOverride).failingParameters).toEqual(['nh3n']);
  });

  it('misses the target when another indicator is worse than class V', () => {
    expect(meetsTarget({ nh3n: 3.5, codmn: 16 }, 5, nh3nOverride).failingParameters).toEqual(['codmn']);
  });

  it('misses a class-V target with NH3-N 3.5 when there is no override', () => {
    expect(meetsTarget({ nh3n: 3.5, codmn: 14 }, 5, { waterbody: 'river' })).toEqual({
      met: false,
      class: 6,
      failingParameters: ['nh3n'],
    });
  });

  it('meets a class-IV target exactly at the IV limits', () => {
    expect(meetsTarget({ nh3n: 1.5, codmn: 10, do: 3 }, 4, { waterbody: 'river' }).met).toBe(true);
  });
});

describe('parseWaterClass', () => {
  it('reads Roman numerals in both scripts and digits', () => {
    expect([parseWaterClass('Ⅳ'), parseWaterClass('IV'), parseWaterClass('4')]).toEqual([4, 4, 4]);
  });

  it('reads every spelling of worse-than-V as 6', () => {
    const spellings = ['劣Ⅴ', '劣V', 'worse-than-V', '6'];
    expect(spellings.map((s) => parseWaterClass(s))).toEqual([6, 6, 6, 6]);
  });

  it('accepts a trailing 类', () => {
    expect(parseWaterClass('Ⅲ类')).toBe(3);
  });

  it('throws a typed error on an unknown label', () => {
    expect(() => parseWaterClass('VI')).toThrow(expect.objectContaining({ code: 'STANDARDS_INPUT' }));
  });
});

describe('formatWaterClass', () => {
  it('labels class 6 as 劣Ⅴ and worse-than-V', () => {
    expect([formatWaterClass(6), formatWaterClass(6, 'en')]).toEqual(['劣Ⅴ', 'worse-than-V']);
  });
});
