import { describe, it, expect } from 'vitest';
import {
  StandardsError,
  assertShanghaiDay,
  gb3095LimitStageOn,
  gb3095VersionOn,
  hj633VersionOn,
} from '../../services/standards/index.js';

describe('hj633VersionOn', () => {
  it('uses HJ 633-2012 on the last day before the switch', () => {
    expect(hj633VersionOn('2026-02-28')).toBe('HJ633-2012');
  });

  it('switches to HJ 633-2026 exactly on 2026-03-01', () => {
    expect(hj633VersionOn('2026-03-01')).toBe('HJ633-2026');
  });

  it('keeps 2020 history on the 2012 edition', () => {
    expect(hj633VersionOn('2020-01-01')).toBe('HJ633-2012');
  });
});

describe('gb3095VersionOn', () => {
  it('switches to GB 3095-2026 exactly on 2026-03-01', () => {
    expect([gb3095VersionOn('2026-02-28'), gb3095VersionOn('2026-03-01')]).toEqual([
      'GB3095-2012',
      'GB3095-2026',
    ]);
  });
});

describe('gb3095LimitStageOn', () => {
  it('is the 2012 stage before 2026-03-01', () => {
    expect(gb3095LimitStageOn('2026-02-28')).toBe('GB3095-2012');
  });

  it('is the transition stage from 2026-03-01', () => {
    expect(gb3095LimitStageOn('2026-03-01')).toBe('GB3095-2026-transition');
  });

  it('is still the transition stage on 2030-12-31', () => {
    expect(gb3095LimitStageOn('2030-12-31')).toBe('GB3095-2026-transition');
  });

  it('is the final stage from 2031-01-01', () => {
    expect(gb3095LimitStageOn('2031-01-01')).toBe('GB3095-2026-final');
  });
});

describe('assertShanghaiDay', () => {
  it('accepts 29 February of a leap year', () => {
    expect(() => assertShanghaiDay('2024-02-29')).not.toThrow();
  });

  it('rejects 29 February of a common year', () => {
    expect(() => assertShanghaiDay('2025-02-29')).toThrow(StandardsError);
  });

  it('rejects a day without zero padding', () => {
    expect(() => hj633VersionOn('2026-3-1')).toThrow(StandardsError);
  });

  it('rejects an ISO timestamp, which would hide a time-zone conversion', () => {
    expect(() => hj633VersionOn('2026-03-01T00:00:00Z')).toThrow(StandardsError);
  });

  it('throws errors carrying the STANDARDS_INPUT code', () => {
    expect(() => assertShanghaiDay('2025-13-01')).toThrow(
      expect.objectContaining({ code: 'STANDARDS_INPUT' }),
    );
  });
});
