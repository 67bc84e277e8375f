import { describe, expect, it } from 'vitest';
import { defaultYear } from '../../services/api/route-kit.js';
import type { AppContext } from '../../services/runtime/app-context.js';
import { ManualClock } from '../../services/time/shanghai.js';

const at = (iso: string) => ({ clock: new ManualClock(new Date(iso)) }) as unknown as AppContext;

describe('the year a page opens on', () => {
  it('stays on the year just ended until the 10th of January (Shanghai days)', () => {
    expect(defaultYear(at('2025-01-01T00:30:00+08:00'))).toBe(2024);
    expect(defaultYear(at('2025-01-09T23:59:00+08:00'))).toBe(2024);
    // 2025-01-09T16:30Z is already the 10th in Shanghai.
    expect(defaultYear(at('2025-01-09T16:30:00Z'))).toBe(2025);
    expect(defaultYear(at('2025-06-30T12:00:00+08:00'))).toBe(2025);
    expect(defaultYear(at('2024-12-31T23:59:00+08:00'))).toBe(2024);
  });
});
