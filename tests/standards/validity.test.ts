import { describe, it, expect } from 'vitest';
import {
  StandardsError,
  isAnnualMeanValid,
  isAnnualMeanValidByMonth,
  isDailyMeanValid,
  isEightHourMeanValid,
  isMonthlyMeanValid,
  isTspAnnualMeanValid,
  minValidDaysForMonth,
} from '../../services/standards/index.js';

describe('isDailyMeanValid', () => {
  it('rejects a day with 19 hourly values', () => {
    expect(isDailyMeanValid(19)).toBe(false);
  });

  it('accepts a day with 20 hourly values', () => {
    expect(isDailyMeanValid(20)).toBe(true);
  });

  it('throws on more hours than a day has', () => {
    expect(() => isDailyMeanValid(25)).toThrow(StandardsError);
  });
});

describe('isEightHourMeanValid', () => {
  it('needs 6 of the 8 hours', () => {
    expect([isEightHourMeanValid(5), isEightHourMeanValid(6)]).toEqual([false, true]);
  });
});

describe('minValidDaysForMonth', () => {
  it('is 25 for February in a leap year', () => {
    expect(minValidDaysForMonth(2024, 2)).toBe(25);
  });

  it('is 25 for February in a common year', () => {
    expect(minValidDaysForMonth(2025, 2)).toBe(25);
  });

  it('is 27 for other months', () => {
    expect(minValidDaysForMonth(2025, 3)).toBe(27);
  });
});

describe('isMonthlyMeanValid', () => {
  it('accepts February 2024 (leap) with 25 valid days', () => {
    expect(isMonthlyMeanValid(2024, 2, 25)).toBe(true);
  });

  it('accepts February 2025 with 25 valid days', () => {
    expect(isMonthlyMeanValid(2025, 2, 25)).toBe(true);
  });

  it('rejects February with 24 valid days', () => {
    expect(isMonthlyMeanValid(2025, 2, 24)).toBe(false);
  });

  it('rejects March with 26 valid days', () => {
    expect(isMonthlyMeanValid(2025, 3, 26)).toBe(false);
  });

  it('accepts March with 27 valid days', () => {
    expect(isMonthlyMeanValid(2025, 3, 27)).toBe(true);
  });

  it('throws on 29 valid days in February of a common year (double-counted data)', () => {
    expect(() => isMonthlyMeanValid(2025, 2, 29)).toThrow(StandardsError);
  });
});

describe('isAnnualMeanValid', () => {
  it('rejects 323 valid days', () => {
    expect(isAnnualMeanValid(323)).toBe(false);
  });

  it('accepts 324 valid days', () => {
    expect(isAnnualMeanValid(324)).toBe(true);
  });
});

describe('isAnnualMeanValidByMonth', () => {
  it('rejects a year where every month just passes but the total is 322', () => {
    const months = [27, 25, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27];
    expect(isAnnualMeanValidByMonth(2025, months)).toBe(false);
  });

  it('rejects a year of 360 valid days when March has only 26', () => {
    const months = [31, 28, 26, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    expect(isAnnualMeanValidByMonth(2025, months)).toBe(false);
  });

  it('accepts a year with every month valid and 324 days', () => {
    const months = [28, 25, 27, 27, 27, 27, 27, 27, 27, 27, 27, 28];
    expect(isAnnualMeanValidByMonth(2025, months)).toBe(true);
  });
});

describe('isTspAnnualMeanValid', () => {
  it('accepts 5 values in every month (60 in the year)', () => {
    expect(isTspAnnualMeanValid(Array.from({ length: 12 }, () => 5))).toBe(true);
  });

  it('rejects a year with one month at 4 values even if the total reaches 60', () => {
    const months = [4, 6, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5];
    expect(isTspAnnualMeanValid(months)).toBe(false);
  });
});
