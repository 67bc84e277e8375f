/** Ranking rules: competition ranks with ties, marks of the best and worst, y/y change, city flags. */
import { describe, expect, it } from 'vitest';
import {
  cityBottomFlags,
  competitionRanks,
  markCountFor,
  rankItems,
  yearOnYearChange,
} from '../../services/reports/ranking.js';

describe('competitionRanks', () => {
  it('shares a rank between ties and skips the next (1, 2, 2, 4)', () => {
    expect(competitionRanks([30, 32, 32, 40], 'lower')).toEqual([1, 2, 2, 4]);
    expect(competitionRanks([5, 7, 7, 3], 'higher')).toEqual([3, 1, 1, 4]);
  });
});

describe('rankItems', () => {
  const items = (values: (number | null)[]) => values.map((value, i) => ({ item: `u${i}`, value }));

  it('compares at the printed precision (GB/T 8170: 37.25 → 37.2 ties with 37.2)', () => {
    const { rows } = rankItems(items([37.25, 37.2, 37.3]), { decimals: 1, better: 'lower' });
    expect(rows.map((r) => [r.item, r.rank, r.value])).toEqual([
      ['u0', 1, 37.2],
      ['u1', 1, 37.2],
      ['u2', 3, 37.3],
    ]);
  });

  it('lists units without a value last, unranked and unmarked', () => {
    const r = rankItems(items([null, 3, 1, 2, 5, 4, 6]), { decimals: 0, better: 'lower' });
    expect(r.rows.map((x) => x.item)).toEqual(['u2', 'u3', 'u1', 'u5', 'u4', 'u6', 'u0']);
    expect(r.rows.at(-1)).toEqual({ item: 'u0', value: null, rank: null, mark: null });
    expect(r.rankedCount).toBe(6);
  });

  it('keeps every unit tied at the best-3 or worst-3 cut', () => {
    const r = rankItems(items([1, 2, 3, 3, 5, 6, 6, 8, 9]), { decimals: 0, better: 'lower' });
    expect(r.rows.filter((x) => x.mark === 'best').map((x) => x.item)).toEqual(['u0', 'u1', 'u2', 'u3']);
    expect(r.rows.filter((x) => x.mark === 'worst').map((x) => x.item)).toEqual(['u5', 'u6', 'u7', 'u8']);
  });

  it('marks fewer than three in a small scope so no unit is both best and worst (BDA: 4 units → 2)', () => {
    expect(markCountFor(4)).toBe(2);
    expect(markCountFor(1)).toBe(0);
    const r = rankItems(items([4, 1, 3, 2]), { decimals: 0, better: 'lower' });
    expect(r.markCount).toBe(2);
    expect(r.rows.map((x) => [x.item, x.mark])).toEqual([
      ['u1', 'best'],
      ['u3', 'best'],
      ['u2', 'worst'],
      ['u0', 'worst'],
    ]);
  });

  it('marks nobody when every value is equal', () => {
    const r = rankItems(items([5, 5, 5, 5, 5, 5, 5]), { decimals: 0, better: 'lower' });
    expect(r.rows.every((x) => x.rank === 1 && x.mark === null)).toBe(true);
  });
});

describe('yearOnYearChange', () => {
  it('computes from the printed values, with the percentage to one decimal', () => {
    expect(yearOnYearChange(38, 42, 1)).toEqual({ change: -4, changePct: -9.5 });
    expect(yearOnYearChange(37.25, 35.75, 1)).toEqual({ change: 1.4, changePct: 3.9 });
    expect(yearOnYearChange(1, null, 1)).toEqual({ change: null, changePct: null });
    expect(yearOnYearChange(1, 0, 1)).toEqual({ change: 1, changePct: null });
  });
});

describe('cityBottomFlags', () => {
  it('puts the ten and thirty largest ranks in the bottom 10 and 30 (后10名, 后30名)', () => {
    expect(cityBottomFlags(264, 273)).toEqual({ bottom10: true, bottom30: true });
    expect(cityBottomFlags(263, 273)).toEqual({ bottom10: false, bottom30: true });
    expect(cityBottomFlags(243, 273)).toEqual({ bottom10: false, bottom30: false });
    expect(cityBottomFlags(100, null)).toEqual({ bottom10: null, bottom30: null });
  });
});
