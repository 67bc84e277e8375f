import { describe, it, expect } from 'vitest';
import { gradeIILimitsOn } from '../../services/standards/index.js';

describe('gradeIILimitsOn', () => {
  it('gives PM2.5 35 / 75 under GB 3095-2012', () => {
    expect(gradeIILimitsOn('2025-12-31', 'pm25')).toMatchObject({
      annual: 35,
      daily: 75,
      stage: 'GB3095-2012',
    });
  });

  it('gives PM2.5 30 / 60 in the GB 3095-2026 transition stage', () => {
    expect(gradeIILimitsOn('2026-03-01', 'pm25')).toMatchObject({
      annual: 30,
      daily: 60,
      stage: 'GB3095-2026-transition',
    });
  });

  it('gives PM2.5 25 / 50 in the GB 3095-2026 final stage', () => {
    expect(gradeIILimitsOn('2031-01-01', 'pm25')).toMatchObject({
      annual: 25,
      daily: 50,
      stage: 'GB3095-2026-final',
    });
  });

  it('gives PM10 70 / 150, then 60 / 120, then 50 / 100', () => {
    const pairs = ['2026-02-28', '2030-12-31', '2031-01-01'].map((day) => {
      const { annual, daily } = gradeIILimitsOn(day, 'pm10');
      return [annual, daily];
    });
    expect(pairs).toEqual([
      [70, 150],
      [60, 120],
      [50, 100],
    ]);
  });

  it('keeps TSP at 200 / 300 in every stage', () => {
    const pairs = ['2025-01-01', '2027-01-01', '2032-01-01'].map((day) => {
      const { annual, daily } = gradeIILimitsOn(day, 'tsp');
      return [annual, daily];
    });
    expect(pairs).toEqual([
      [200, 300],
      [200, 300],
      [200, 300],
    ]);
  });
});
