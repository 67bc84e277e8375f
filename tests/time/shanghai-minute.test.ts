/** formatShanghaiMinute: the fixed-offset shortcut writes exactly what the zone-database formatter writes. */
import { describe, expect, it } from 'vitest';
import { formatShanghai, formatShanghaiMinute } from '../../services/time/shanghai.js';

const viaZone = (d: Date) => formatShanghai(d, 'yyyy-MM-dd HH:mm');

describe('formatShanghaiMinute', () => {
  it('crosses midnight, month end, year end and February 29 in Shanghai, not in UTC', () => {
    expect(formatShanghaiMinute(new Date('2024-02-28T16:00:00Z'))).toBe('2024-02-29 00:00');
    expect(formatShanghaiMinute(new Date('2024-01-31T15:59:59Z'))).toBe('2024-01-31 23:59');
    expect(formatShanghaiMinute(new Date('2024-12-31T16:00:00Z'))).toBe('2025-01-01 00:00');
    expect(formatShanghaiMinute(new Date('2024-06-30T23:30:00Z'))).toBe('2024-07-01 07:30');
  });

  it("agrees with the zone database on both sides of the end of China's daylight saving (1991-09-15)", () => {
    // 1991-07-01 was UTC+9 (daylight saving): the shortcut must not apply there.
    expect(formatShanghaiMinute(new Date('1991-07-01T00:00:00Z'))).toBe('1991-07-01 09:00');
    for (const iso of ['1991-09-14T16:59:00Z', '1991-09-14T17:00:00Z', '1991-09-14T18:30:00Z']) {
      const d = new Date(iso);
      expect(formatShanghaiMinute(d), iso).toBe(viaZone(d));
    }
  });

  it('agrees with the zone database over 2,000 instants from 1992 to 2060', () => {
    const from = Date.UTC(1992, 0, 1);
    const span = Date.UTC(2060, 0, 1) - from;
    for (let i = 0; i < 2000; i++) {
      // A fixed stride (a prime number of seconds) lands on every minute-of-day and day-of-year over the run.
      const d = new Date(from + ((i * 1_073_741_789_000) % span));
      expect(formatShanghaiMinute(d), d.toISOString()).toBe(viaZone(d));
    }
  });
});
