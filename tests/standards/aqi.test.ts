import { describe, it, expect } from 'vitest';
import {
  StandardsError,
  computeDailyAqi,
  computeHourlyAqi,
  computeIaqi,
  isHeavyPollutionDay,
  isSeverePollutionDay,
} from '../../services/standards/index.js';

// Expectations are formula (1) by hand: IAQI = IAQI_Lo + (IAQI_Hi − IAQI_Lo)(C − BP_Lo)/(BP_Hi − BP_Lo), rounded up.
const DAY_2025 = '2025-06-01';
const DAY_2026 = '2026-06-01';

describe('computeIaqi, PM2.5 breakpoints', () => {
  it('gives IAQI 100 for 75 µg/m³ under HJ 633-2012', () => {
    expect(computeIaqi(DAY_2025, 'pm25_24h', 75)).toBe(100);
  });

  it('gives IAQI 100 for 60 µg/m³ under HJ 633-2026', () => {
    expect(computeIaqi(DAY_2026, 'pm25_24h', 60)).toBe(100);
  });

  it('gives IAQI 200 for 150 µg/m³', () => {
    expect([computeIaqi(DAY_2025, 'pm25_24h', 150), computeIaqi(DAY_2026, 'pm25_24h', 150)]).toEqual([
      200, 200,
    ]);
  });

  it('gives IAQI 201 for 151 µg/m³ (200 + 100 × 1/100)', () => {
    expect([computeIaqi(DAY_2025, 'pm25_24h', 151), computeIaqi(DAY_2026, 'pm25_24h', 151)]).toEqual([
      201, 201,
    ]);
  });

  it('rounds the IAQI up: 36 µg/m³ is 51.25 → 52 (2012)', () => {
    expect(computeIaqi(DAY_2025, 'pm25_24h', 36)).toBe(52);
  });

  it('rounds the concentration half-to-even first: 74.5 → 74 → IAQI 99 (2012)', () => {
    expect(computeIaqi(DAY_2025, 'pm25_24h', 74.5)).toBe(99);
  });

  it('rounds 75.5 to 76 → IAQI 101.25 → 102 (2012)', () => {
    expect(computeIaqi(DAY_2025, 'pm25_24h', 75.5)).toBe(102);
  });

  it('caps PM2.5 above 500 µg/m³ at IAQI 500', () => {
    expect(computeIaqi(DAY_2026, 'pm25_24h', 650)).toBe(500);
  });

  it('gives IAQI 0 for a zero concentration', () => {
    expect(computeIaqi(DAY_2026, 'pm25_24h', 0)).toBe(0);
  });
});

describe('computeIaqi, other pollutants', () => {
  it('rounds CO to one decimal: 2.35 → 2.4 mg/m³ → IAQI 60', () => {
    expect(computeIaqi(DAY_2025, 'co_24h', 2.35)).toBe(60);
  });

  it('rounds CO 2.25 → 2.2 mg/m³ → IAQI 55', () => {
    expect(computeIaqi(DAY_2025, 'co_24h', 2.25)).toBe(55);
  });

  it('uses PM10 120 → IAQI 100 in 2026 but 85 in 2012 (50 + 50 × 70/100)', () => {
    expect([computeIaqi(DAY_2026, 'pm10_24h', 120), computeIaqi(DAY_2025, 'pm10_24h', 120)]).toEqual([
      100, 85,
    ]);
  });

  it('reports O3 8-hour above 800 as IAQI 300 in 2026 (表3 note c)', () => {
    expect(computeIaqi(DAY_2026, 'o3_8h', 850)).toBe(300);
  });

  it('reports O3 8-hour above 800 with the 1-hour IAQI in 2012: 900 → 350', () => {
    expect(computeIaqi(DAY_2025, 'o3_8h', 850, { o3_1h: 900 })).toBe(350);
  });

  it('refuses a 2012 O3 8-hour above 800 without the 1-hour value', () => {
    expect(() => computeIaqi(DAY_2025, 'o3_8h', 850)).toThrow(StandardsError);
  });

  it('reports SO2 1-hour above 800 as IAQI 200 in 2026 (表3 note b)', () => {
    expect(computeIaqi(DAY_2026, 'so2_1h', 900)).toBe(200);
  });

  it('reports SO2 1-hour above 800 with the 24-hour IAQI in 2012: 500 → 153.85 → 154', () => {
    expect(computeIaqi(DAY_2025, 'so2_1h', 900, { so2_24h: 500 })).toBe(154);
  });

  it('rejects a negative concentration', () => {
    expect(() => computeIaqi(DAY_2025, 'no2_24h', -1)).toThrow(StandardsError);
  });
});

describe('computeDailyAqi', () => {
  it('puts a 70 µg/m³ PM2.5 day at level 2 (AQI 94) in 2025', () => {
    expect(computeDailyAqi(DAY_2025, { pm25: 70 })).toMatchObject({ aqi: 94, level: 2, levelNameZh: '良' });
  });

  it('puts a 70 µg/m³ PM2.5 day at level 3 (AQI 110) in 2026', () => {
    expect(computeDailyAqi(DAY_2026, { pm25: 70 })).toMatchObject({
      aqi: 110,
      level: 3,
      levelNameZh: '轻度污染',
    });
  });

  it('changes the AQI of the same concentration exactly on 2026-03-01', () => {
    const before = computeDailyAqi('2026-02-28', { pm25: 70 });
    const after = computeDailyAqi('2026-03-01', { pm25: 70 });
    expect([before?.aqi, before?.version, after?.aqi, after?.version]).toEqual([
      94,
      'HJ633-2012',
      110,
      'HJ633-2026',
    ]);
  });

  it('returns null, not 0, when no concentration is given', () => {
    expect(computeDailyAqi(DAY_2026, {})).toBeNull();
  });

  it('computes over the pollutants given and leaves the others absent', () => {
    const result = computeDailyAqi(DAY_2025, { pm10: 100 });
    expect(result?.iaqi).toEqual({ pm10: 75 });
  });

  it('takes the maximum IAQI as the AQI and names its pollutant primary', () => {
    const result = computeDailyAqi(DAY_2025, { pm25: 151, pm10: 100, no2: 40 });
    expect([result?.aqi, result?.primaryPollutants]).toEqual([201, ['pm25']]);
  });

  it('lists tied pollutants together as primary', () => {
    const result = computeDailyAqi(DAY_2025, { pm25: 75, pm10: 150 });
    expect(result?.primaryPollutants).toEqual(['pm25', 'pm10']);
  });

  it('names no primary pollutant when AQI ≤ 50', () => {
    expect(computeDailyAqi(DAY_2025, { pm25: 35, no2: 20 })?.primaryPollutants).toEqual([]);
  });

  it('counts the daily max 1-hour O3 in 2012 (IAQI 150 for 300 µg/m³)', () => {
    expect(computeDailyAqi(DAY_2025, { o3_1h: 300 })?.aqi).toBe(150);
  });

  it('ignores the 1-hour O3, which is not a 2026 daily indicator', () => {
    expect(computeDailyAqi(DAY_2026, { o3_1h: 300 })).toBeNull();
  });

  it('reports level 5 with its names and purple colour at AQI 201', () => {
    expect(computeDailyAqi(DAY_2026, { pm25: 151 })).toMatchObject({
      level: 5,
      levelNameZh: '重度污染',
      levelNameEn: 'Heavily polluted',
      colour: '#99004C',
    });
  });

  it('reports level 6 at AQI 301', () => {
    expect(computeDailyAqi(DAY_2026, { pm25: 251 })).toMatchObject({
      aqi: 301,
      level: 6,
      levelNameZh: '严重污染',
    });
  });

  it('keeps the rounded concentrations it used', () => {
    expect(computeDailyAqi(DAY_2026, { pm25: 60.4, co: 1.25 })?.concentrations).toEqual({
      pm25: 60,
      co: 1.2,
    });
  });

  it('starts the 2026 index at 1 (§4.1.1) where 2012 allowed 0', () => {
    const zeros = { pm25: 0, pm10: 0 };
    expect([computeDailyAqi(DAY_2025, zeros)?.aqi, computeDailyAqi(DAY_2026, zeros)?.aqi]).toEqual([0, 1]);
  });

  it('rejects an unknown pollutant key instead of ignoring it', () => {
    const input = JSON.parse('{"pm2_5": 80}') as Record<string, number>;
    expect(() => computeDailyAqi(DAY_2026, input)).toThrow(StandardsError);
  });
});

describe('computeHourlyAqi', () => {
  it('reads a 2026 PM2.5 1-hour mean on the daily column (60 → 100)', () => {
    expect(computeHourlyAqi(DAY_2026, { pm25: 60 })?.aqi).toBe(100);
  });

  it('uses the 1-hour NO2 column (200 → 100)', () => {
    expect(computeHourlyAqi(DAY_2026, { no2: 200 })?.iaqi).toEqual({ no2: 100 });
  });

  it('ignores the O3 8-hour mean, which is not a 2026 hourly indicator', () => {
    expect(computeHourlyAqi(DAY_2026, { o3_8h: 200 })).toBeNull();
  });
});

describe('heavy and severe pollution days', () => {
  it('does not count AQI 200 as heavy', () => {
    expect(isHeavyPollutionDay(200)).toBe(false);
  });

  it('counts AQI 201 as heavy', () => {
    expect(isHeavyPollutionDay(201)).toBe(true);
  });

  it('counts AQI 301 but not 300 as severe', () => {
    expect([isSeverePollutionDay(300), isSeverePollutionDay(301)]).toEqual([false, true]);
  });
});
