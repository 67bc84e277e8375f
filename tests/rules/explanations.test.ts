/**
 * Issue #19 item 5: explanations an official can check by hand — a zero baseline in words, a bottom-N month
 * with its rank and the number ranked, heavy days by date, both years' valid-day counts, and why a
 * rank_frequency verdict is at_risk (the last-year months it compared with). (Water parameter names:
 * water-class-target.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { enumerateDays } from '../../services/time/shanghai.js';
import {
  evaluateAsOf,
  insertAqi,
  insertCityRanks,
  only,
  pm25Days,
  target,
  useRuleDatabase,
} from '../targets/fixtures.js';

const db = useRuleDatabase();
const N = 333;

const rankTarget = (id: string, rule: Record<string, unknown>) =>
  target({
    id,
    metric: 'city_rank_pm25',
    scope: { kind: 'areas', ids: ['majuqiao'] },
    main_units: ['streets_towns'],
    rule: { kind: 'rank_frequency', ranking_metric: 'pm25', bottom: 30, ...rule },
  });

async function ranks(year: number, list: readonly number[]): Promise<void> {
  await insertCityRanks(
    db.pool,
    'pm25',
    'majuqiao',
    list.map((rank, i) => ({ month: `${year}-${String(i + 1).padStart(2, '0')}`, rank, nRanked: N })),
  );
}

async function aqiDays(from: string, to: string, heavy: readonly string[]): Promise<void> {
  await insertAqi(
    db.pool,
    'tongzhou',
    enumerateDays(from, to).map((day) => ({ day, aqi: heavy.includes(day) ? 230 : 80 })),
  );
}

describe('explanations an official can check by hand', () => {
  it('names each bottom-30 month with its rank and the number ranked', async () => {
    await ranks(2023, Array(12).fill(100));
    await ranks(2024, [328, 100, 310]);
    const r = only(await evaluateAsOf(db.pool, rankTarget('T-EX-R1', { max_count: 2 }), '2024-04-02'));
    expect(r.explanationZh).toContain('进入全市后30名2次（1月第328/333名、3月第310/333名）');
    expect(r.explanationEn).toContain('(2024-01 rank 328/333, 2024-03 rank 310/333)');
  });

  it('says a zero baseline in words', async () => {
    await ranks(2023, Array(12).fill(100));
    await ranks(2024, [100, 100, 100]);
    const r = only(
      await evaluateAsOf(db.pool, rankTarget('T-EX-R0', { fewer_than_last_year: true }), '2024-04-02'),
    );
    expect(r.explanationZh).toContain('上年全年0次，不能再少，保持0次即达标');
    expect(r.explanationZh).not.toContain('须少于上年的0次');
    expect(r.explanationEn).toContain('none last year, so staying at none meets it');
  });

  it('says why a rank_frequency verdict is at_risk: the months of last year it compared with', async () => {
    // 2023: Jan, Feb, Nov, Dec in the bottom 30 → at most 3 in 2024; Jan and Feb 2024 use two, one left,
    // while July–December 2023 had two.
    await ranks(2023, [320, 330, 100, 100, 100, 100, 100, 100, 100, 100, 320, 325]);
    await ranks(2024, [320, 321, 100, 100, 100, 100]);
    const r = only(
      await evaluateAsOf(db.pool, rankTarget('T-EX-RR', { fewer_than_last_year: true }), '2024-07-03'),
    );
    expect(r).toMatchObject({ status: 'at_risk', value: 2, threshold: 3 });
    expect(r.explanationZh).toContain('去年7月至12月有2个月进入后30名（11月、12月），多于剩余额度1次');
    expect(r.explanationEn).toContain(
      '2023-07 to 2023-12 had 2 month(s) in the bottom 30 (2023-11, 2023-12)',
    );
  });

  it('lists the heavy-pollution days by date', async () => {
    await aqiDays('2024-01-01', '2024-03-31', ['2024-01-10', '2024-01-11', '2024-02-20']);
    const q1 = target({ id: 'T-EX-H1', metric: 'aqi', period: 'q1', rule: { kind: 'heavy_days', max: 3 } });
    const r = only(await evaluateAsOf(db.pool, q1, '2024-04-02'));
    expect(r.explanationZh).toContain('重污染天（AQI>200）3天（1月10日、1月11日、2月20日）');
    expect(r.explanationEn).toContain('(2024-01-10, 2024-01-11, 2024-02-20)');
  });

  it('says a heavy-day zero baseline in words', async () => {
    await aqiDays('2023-01-01', '2023-12-31', []);
    await aqiDays('2024-01-01', '2024-03-31', []);
    const fewer = target({
      id: 'T-EX-H0',
      metric: 'aqi',
      rule: { kind: 'heavy_days', fewer_than_last_year: true },
    });
    const r = only(await evaluateAsOf(db.pool, fewer, '2024-04-02'));
    expect(r.explanationZh).toContain('上年全年0天，不能再少，保持0天即达标');
    expect(r.explanationZh).not.toContain('须少于去年同期的0天');
  });

  it('gives both years’ valid-day counts in a year-on-year text', async () => {
    await pm25Days(db.pool, 'beiyuan', '2024-01-01', '2024-02-29', () => 50);
    await pm25Days(db.pool, 'beiyuan', '2023-01-01', '2023-02-28', () => 52);
    const yoy = target({
      id: 'T-EX-Y1',
      scope: { kind: 'areas', ids: ['beiyuan'] },
      main_units: ['streets_towns'],
      rule: { kind: 'yoy_improvement' },
    });
    const r = only(await evaluateAsOf(db.pool, yoy, '2024-03-01'));
    expect(r.explanationZh).toContain('有效60天');
    expect(r.explanationZh).toContain('有效59天');
    expect(r.explanationEn).toContain('60 valid days');
    expect(r.explanationEn).toContain('59 valid days');
  });
});
