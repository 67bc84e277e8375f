import { describe, it, expect } from 'vitest';
import { roundGbt8170 } from '../../services/standards/index.js';

describe('roundGbt8170', () => {
  it('rounds an exact half down to an even digit (74.5 → 74)', () => {
    expect(roundGbt8170(74.5, 0)).toBe(74);
  });

  it('rounds an exact half up to an even digit (75.5 → 76)', () => {
    expect(roundGbt8170(75.5, 0)).toBe(76);
  });

  it('rounds up when more than half is discarded (74.51 → 75)', () => {
    expect(roundGbt8170(74.51, 0)).toBe(75);
  });

  it('rounds CO to one decimal despite binary representation (1.15 → 1.2, 1.25 → 1.2)', () => {
    expect([roundGbt8170(1.15, 1), roundGbt8170(1.25, 1)]).toEqual([1.2, 1.2]);
  });
});
