/**
 * rank_frequency: with 273 units ranked, the bottom 30 are ranks 244-273 (rank > 273 − 30) and the bottom 10
 * ranks 264-273. Months count once they have ended by the evaluation day.
 */
import { describe, expect, it } from 'vitest';
import { shanghaiInstant } from '../../services/time/shanghai.js';
import {
  evaluateAsOf,
  insertCityRanks,
  only,
  target,
  useRuleDatabase,
  writeMeasurements,
} from '../targets/fixtures.js';

const db = useRuleDatabase();

const N = 273;
const unit = { kind: 'areas' as const, ids: ['majuqiao'] };
const fewer = target({
  id: 'T-RANK-FEWER',
  metric: 'city_rank_pm25',
  scope: unit,
  main_units: ['streets_towns'],
  rule: { kind: 'rank_frequency', ranking_metric: 'pm25', bottom: 30, fewer_than_last_year: true },
});

/** Ranks for consecutive months from `first`; `null` leaves a month out. */
async function ranks(first: string, list: readonly (number | null)[]): Promise<void> {
  const [y, m] = first.split('-').map(Number) as [number, number];
  const rows = list.flatMap((rank, i) => {
    if (rank === null) return [];
    const idx = y * 12 + m - 1 + i;
    return [
      { month: `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}`, rank, nRanked: N },
    ];
  });
  await insertCityRanks(db.pool, 'pm25', 'majuqiao', rows);
}

describe('rank_frequency', () => {
  it('counts rank 244 of 273 in the bottom 30 and rank 243 not', async () => {
    await ranks('2023-01', [244, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100]);
    await ranks('2024-01', [243, 244]);
    const r = only(await evaluateAsOf(db.pool, fewer, '2024-03-05'));
    expect(r.details).toMatchObject({ monthsInBottom: ['2024-02'], lastYearCount: 1 });
  });

  it('leaves no allowance when this year already equals last year minus one: one more month breaks it', async () => {
    // 2023: three months in the bottom 30 (Jan, Feb, Dec) → at most 2 in 2024; Jan and Feb 2024 are in it.
    await ranks('2023-01', [250, 260, 100, 100, 100, 100, 100, 100, 100, 100, 100, 255]);
    await ranks('2024-01', [250, 251, 120, 120, 120, 120]);
    const r = only(await evaluateAsOf(db.pool, fewer, '2024-07-03'));
    expect(r).toMatchObject({ status: 'at_risk', value: 2, threshold: 2, asOf: '2024-06-30' });
    expect(r.explanationZh).toContain('剩余额度0次：再有1个月进入后30名即未达标');
    expect(r.explanationEn).toContain('one more month in the bottom 30 breaks the target');
  });

  it('breaches once this year reaches last year’s count', async () => {
    await ranks('2023-01', [250, 260, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100]);
    await ranks('2024-01', [250, 251]);
    const r = only(await evaluateAsOf(db.pool, fewer, '2024-03-05'));
    expect(r).toMatchObject({ status: 'breached', value: 2, threshold: 1 });
  });

  it('meets a unit that stays at zero when last year was zero too (zero baseline)', async () => {
    await ranks('2023-01', Array(12).fill(100));
    await ranks('2024-01', Array(12).fill(100));
    const r = only(await evaluateAsOf(db.pool, fewer, '2025-01-10', { year: 2024 }));
    expect(r).toMatchObject({ status: 'met', final: true, value: 0, threshold: 0 });
  });

  it('breaches a never-in-the-bottom-10 target with one month at rank 264 of 273', async () => {
    const never = target({
      id: 'T-RANK-NEVER',
      metric: 'city_rank_pm25',
      scope: unit,
      strictness: 'soft',
      rule: { kind: 'rank_frequency', ranking_metric: 'pm25', bottom: 10, max_count: 0 },
    });
    await ranks('2024-01', [200, 264, 200]);
    const r = only(await evaluateAsOf(db.pool, never, '2024-04-02'));
    expect(r).toMatchObject({ status: 'breached', value: 1, threshold: 0 });
  });

  it('reads rank measurements with the ranked:<N> flag when no published table row exists', async () => {
    const atMost2 = target({
      id: 'T-RANK-RDL',
      metric: 'city_rank_road_dust_load',
      scope: unit,
      rule: { kind: 'rank_frequency', ranking_metric: 'road_dust_load', bottom: 30, max_count: 2 },
    });
    await writeMeasurements(
      db.pool,
      ['2024-01-01', '2024-02-01', '2024-03-01'].map((d, i) => ({
        ts: shanghaiInstant(d),
        seriesId: 'majuqiao',
        metricId: 'city_rank_road_dust_load',
        value: [250, 255, 100][i]!,
        flags: ['ranked:260'],
        dataVersion: 0 as const,
      })),
    );
    const r = only(await evaluateAsOf(db.pool, atMost2, '2024-04-02'));
    // 250 and 255 > 260 − 30 = 230: two months, the limit; the year is not over.
    expect(r).toMatchObject({ status: 'at_risk', value: 2, dataVersion: 'provisional' });
  });

  it('judges a month period on that month alone; a month whose ranking has not arrived is insufficient_data', async () => {
    const monthly = target({
      id: 'T-RANK-MONTHLY',
      metric: 'city_rank_pm25',
      scope: unit,
      period: 'month',
      strictness: 'soft',
      rule: { kind: 'rank_frequency', ranking_metric: 'pm25', bottom: 10, max_count: 0 },
    });
    await ranks('2024-01', [200, 264]);
    const rows = await evaluateAsOf(db.pool, monthly, '2024-03-31');
    expect(rows.map((r) => [r.periodKey, r.status, r.final])).toEqual([
      ['2024-01', 'met', true],
      ['2024-02', 'breached', true],
      ['2024-03', 'insufficient_data', false],
    ]);
  });
});
