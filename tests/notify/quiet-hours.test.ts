/** When a non-urgent SMS may go: working hours ∩ outside the contact's quiet hours (Asia/Shanghai). */
import { describe, expect, it } from 'vitest';
import { inWindow, nextSendableInstant, parseClockWindow } from '../../services/notify/quiet-hours.js';
import { shanghaiInstant } from '../../services/time/shanghai.js';

const working = parseClockWindow('08:30-18:00');
const night = parseClockWindow('22:00-07:00');

describe('parseClockWindow / inWindow', () => {
  it('handles windows that wrap midnight, start inclusive and end exclusive', () => {
    expect(inWindow(22 * 60, night)).toBe(true);
    expect(inWindow(6 * 60 + 59, night)).toBe(true);
    expect(inWindow(7 * 60, night)).toBe(false);
    expect(inWindow(12 * 60, night)).toBe(false);
    expect(inWindow(8 * 60 + 30, working)).toBe(true);
    expect(inWindow(18 * 60, working)).toBe(false);
  });

  it('refuses malformed and empty windows', () => {
    expect(() => parseClockWindow('8:30-18:00')).toThrow(RangeError);
    expect(() => parseClockWindow('09:00-09:00')).toThrow(RangeError);
  });
});

describe('nextSendableInstant', () => {
  it('is now inside working hours and outside quiet hours', () => {
    const now = shanghaiInstant('2024-03-05', 10, 15);
    expect(nextSendableInstant(now, working, night)).toEqual(now);
  });

  it('waits for the next working-hours start after the evening, across midnight, month and year end', () => {
    expect(nextSendableInstant(shanghaiInstant('2024-12-31', 19, 0), working, null)).toEqual(
      shanghaiInstant('2025-01-01', 8, 30),
    );
    expect(nextSendableInstant(shanghaiInstant('2024-02-29', 23, 30), working, night)).toEqual(
      shanghaiInstant('2024-03-01', 8, 30),
    );
  });

  it('waits for the end of the contact quiet hours when that is later than the working-hours start', () => {
    const lateSleeper = parseClockWindow('23:00-09:15');
    expect(nextSendableInstant(shanghaiInstant('2024-05-06', 7, 0), working, lateSleeper)).toEqual(
      shanghaiInstant('2024-05-06', 9, 15),
    );
  });

  it('honours quiet hours inside the working day (a lunch break)', () => {
    const lunch = parseClockWindow('12:00-13:30');
    expect(nextSendableInstant(shanghaiInstant('2024-05-06', 12, 10), working, lunch)).toEqual(
      shanghaiInstant('2024-05-06', 13, 30),
    );
  });

  it('still finds a time for someone whose quiet hours cover the whole working day', () => {
    const always = parseClockWindow('08:00-19:00');
    expect(nextSendableInstant(shanghaiInstant('2024-05-06', 20, 0), working, always)).toEqual(
      shanghaiInstant('2024-05-07', 8, 30),
    );
  });
});
