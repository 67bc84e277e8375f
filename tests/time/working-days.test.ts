/**
 * China's working-day calendar: statutory holidays and 调休 days as the State Council announced them
 * (2024: National Day 1–7 October off, Sunday 29 September and Saturday 12 October worked), the override
 * file for a year the package does not know, and the warning when the calendar runs out.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertSettings } from '../../services/alerts/alert-settings.js';
import { nextEscalationAt } from '../../services/alerts/escalation.js';
import { nextSendableInstant, parseClockWindow } from '../../services/notify/quiet-hours.js';
import { latestDigestCutoff } from '../../services/notify/digest.js';
import { HOUR, shanghaiInstant } from '../../services/time/shanghai.js';
import {
  addWorkingTime,
  calendarCoverageWarning,
  createWorkingCalendar,
  loadWorkingCalendar,
  nextWorkingDay,
  parseCalendarOverrides,
} from '../../services/time/working-days.js';
import { loadConfig } from '../../config/env.js';

const cal = createWorkingCalendar();
const hours = { from: 8 * 60 + 30, to: 18 * 60 };

describe('the working-day calendar', () => {
  it('treats a statutory holiday as a day off and a 调休 Saturday as a working day', () => {
    expect(cal.kind('2024-10-02')).toBe('holiday'); // a Wednesday
    expect(cal.isWorkingDay('2024-10-02')).toBe(false);
    expect(cal.holidayName('2024-10-02', 'zh-CN')).toBe('国庆节');
    expect(cal.kind('2024-10-12')).toBe('makeup_workday'); // a Saturday
    expect(cal.isWorkingDay('2024-10-12')).toBe(true);
    expect(cal.kind('2024-10-13')).toBe('weekend');
    expect(cal.kind('2024-10-14')).toBe('workday');
    expect(nextWorkingDay(cal, '2024-10-01')).toBe('2024-10-08');
    expect(cal.knowsYear(2026)).toBe(true);
  });

  it('stops escalation clocks over the holiday and runs them on the 调休 Saturday', () => {
    // Two hours from Monday 30 September 17:00 is 19:00, outside working hours: the next working morning
    // is after the National Day week.
    const beforeHoliday = addWorkingTime(cal, shanghaiInstant('2024-09-30', 17, 0), 2 * HOUR, hours);
    expect(beforeHoliday).toEqual(shanghaiInstant('2024-10-08', 8, 30));
    // Friday 11 October 17:00 + 2 h: the next working morning is the 调休 Saturday.
    const beforeMakeup = addWorkingTime(cal, shanghaiInstant('2024-10-11', 17, 0), 2 * HOUR, hours);
    expect(beforeMakeup).toEqual(shanghaiInstant('2024-10-12', 8, 30));
    // "A day" from a working Monday morning is Tuesday morning; from Saturday 5 October, after the holiday.
    expect(addWorkingTime(cal, shanghaiInstant('2024-10-14', 9, 0), 24 * HOUR, hours)).toEqual(
      shanghaiInstant('2024-10-15', 9, 0),
    );
    // (the clock starts at Tuesday 8 October 00:00, runs 24 h, and lands before working hours on the 9th).
    expect(addWorkingTime(cal, shanghaiInstant('2024-10-05', 9, 0), 24 * HOUR, hours)).toEqual(
      shanghaiInstant('2024-10-09', 8, 30),
    );
  });

  it('escalates a hard breach fired on the eve of the holiday after it, and on the 调休 Saturday', () => {
    const s = alertSettings(loadConfig({}));
    const alert = {
      kind: 'target' as const,
      state: 'firing' as const,
      severity: 'critical' as const,
      condition: 'breached',
      escalation_step: 0,
      deadline_at: null,
    };
    expect(nextEscalationAt({ ...alert, fired_at: shanghaiInstant('2024-09-30', 17, 0) }, s)).toEqual(
      shanghaiInstant('2024-10-08', 8, 30),
    );
    expect(nextEscalationAt({ ...alert, fired_at: shanghaiInstant('2024-10-11', 17, 0) }, s)).toEqual(
      shanghaiInstant('2024-10-12', 8, 30),
    );
  });

  it('holds a non-urgent SMS over the holiday and builds no digest on it', () => {
    const working = parseClockWindow('08:30-18:00');
    expect(nextSendableInstant(shanghaiInstant('2024-10-03', 10, 0), working, null, cal)).toEqual(
      shanghaiInstant('2024-10-08', 8, 30),
    );
    expect(nextSendableInstant(shanghaiInstant('2024-10-12', 10, 0), working, null, cal)).toEqual(
      shanghaiInstant('2024-10-12', 10, 0),
    );
    // On 3 October the latest digest is the one of Monday 30 September; on the 调休 Saturday its own.
    expect(latestDigestCutoff(shanghaiInstant('2024-10-03', 10, 0), 8 * 60 + 30, cal).day).toBe('2024-09-30');
    expect(latestDigestCutoff(shanghaiInstant('2024-10-12', 10, 0), 8 * 60 + 30, cal).day).toBe('2024-10-12');
  });

  it('takes a year the package does not know from the override file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ew-cal-'));
    const file = join(dir, 'working-calendar.yaml');
    writeFileSync(
      file,
      "years:\n  2030:\n    holidays:\n      '2030-01-01': 元旦\n    workdays:\n      '2030-01-05': 元旦\n",
    );
    const withOverride = loadWorkingCalendar(file);
    expect(withOverride.sources.get(2030)).toBe('override');
    expect(withOverride.kind('2030-01-01')).toBe('holiday');
    expect(withOverride.kind('2030-01-05')).toBe('makeup_workday');
    expect(withOverride.lastKnownYear).toBe(2030);
    expect(loadWorkingCalendar(join(dir, 'missing.yaml')).knowsYear(2030)).toBe(false);
    expect(() =>
      parseCalendarOverrides("years:\n  2030:\n    holidays:\n      '2031-01-01': 元旦\n", 'x'),
    ).toThrow(/2031-01-01 is listed under 2030/);
  });

  it('warns when the calendar ends before the current year does', () => {
    const last = cal.lastKnownYear;
    expect(calendarCoverageWarning(cal, shanghaiInstant(`${last}-06-01`, 12, 0))).toBeNull();
    expect(calendarCoverageWarning(cal, shanghaiInstant(`${last}-11-15`, 12, 0))).toMatch(
      new RegExp(`add ${last + 1}`),
    );
    expect(calendarCoverageWarning(cal, shanghaiInstant(`${last + 1}-01-02`, 12, 0))).toMatch(
      new RegExp(`ends with ${last}`),
    );
  });
});
