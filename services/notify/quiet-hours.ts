/**
 * When a non-urgent SMS may go out: inside the working hours and outside the contact's own quiet hours,
 * both Asia/Shanghai wall-clock windows that may wrap midnight ("22:00-07:00"). E-mail is never held back
 * (it waits in the inbox by itself); given China's working-day calendar, non-urgent SMS also waits for a
 * working day (holidays and weekends off, 调休 Saturdays on); urgent SMS — hard-target breaches, heavy-pollution warnings — is not
 * held either. Pure functions: the caller passes the instant from its clock.
 */
import { TZDate } from '@date-fns/tz';
import { addDays, BUSINESS_TZ, shanghaiInstant, toShanghaiDay } from '../time/shanghai.js';
import type { WorkingCalendar } from '../time/working-days.js';

/** Minutes after Shanghai midnight; `from === to` never occurs (refused when parsed). */
export interface ClockWindow {
  from: number;
  to: number;
}

const WINDOW_RE = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

export function parseClockWindow(text: string): ClockWindow {
  const m = WINDOW_RE.exec(text);
  if (!m) throw new RangeError(`not an HH:MM-HH:MM window: ${text}`);
  const from = Number(m[1]) * 60 + Number(m[2]);
  const to = Number(m[3]) * 60 + Number(m[4]);
  if (from === to) throw new RangeError(`a window of zero length: ${text}`);
  return { from, to };
}

/** `time` columns come back as 'HH:MM:SS'. */
export function clockWindowFromTimes(from: string | null, to: string | null): ClockWindow | null {
  if (!from || !to) return null;
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  const w = { from: minutes(from), to: minutes(to) };
  return w.from === w.to ? null : w;
}

/** Start inclusive, end exclusive; a window with from > to wraps midnight. */
export function inWindow(minuteOfDay: number, w: ClockWindow): boolean {
  return w.from < w.to
    ? minuteOfDay >= w.from && minuteOfDay < w.to
    : minuteOfDay >= w.from || minuteOfDay < w.to;
}

export function shanghaiMinuteOfDay(instant: Date): number {
  const t = new TZDate(instant.getTime(), BUSINESS_TZ);
  return t.getHours() * 60 + t.getMinutes();
}

function atMinute(day: string, minute: number): Date {
  return shanghaiInstant(day, Math.floor(minute / 60), minute % 60);
}

/**
 * The earliest instant at or after `now` inside `working` and outside `quiet`. If `now` is not allowed,
 * the answer is a moment where a forbidding window ends — a working-hours start or a quiet-hours end — so
 * only those boundaries over the next days need checking. A contact whose quiet hours cover the whole
 * working day gets the next working-hours start: an alert must reach them some time.
 */
export function nextSendableInstant(
  now: Date,
  working: ClockWindow,
  quiet: ClockWindow | null,
  calendar: WorkingCalendar | null = null,
): Date {
  // Working hours are hours of working days: a holiday or weekend has none, a 调休 Saturday has them.
  const workingDay = (t: Date) => calendar === null || calendar.isWorkingDay(toShanghaiDay(t));
  const allowed = (t: Date) => {
    const m = shanghaiMinuteOfDay(t);
    return workingDay(t) && inWindow(m, working) && (quiet === null || !inWindow(m, quiet));
  };
  if (allowed(now)) return now;
  const today = toShanghaiDay(now);
  const candidates: Date[] = [];
  // Far enough to cross the longest run of non-working days (Spring Festival: 9 days, 2026).
  for (let i = -1; i <= (calendar ? 16 : 2); i++) {
    const day = addDays(today, i);
    candidates.push(atMinute(day, working.from));
    if (quiet) candidates.push(atMinute(day, quiet.to));
  }
  const future = candidates
    .filter((c) => c.getTime() > now.getTime())
    .sort((a, b) => a.getTime() - b.getTime());
  return (
    future.find(allowed) ??
    future.find((c) => workingDay(c) && inWindow(shanghaiMinuteOfDay(c), working)) ??
    now
  );
}
