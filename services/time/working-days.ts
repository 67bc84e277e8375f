/**
 * China's working-day calendar: statutory holidays (法定节假日) and the make-up working days (调休上班) the
 * State Council announces each year — a Saturday or Sunday can be a working day and a Wednesday a holiday.
 * The years come from the `chinese-days` package (maintained, data since 2004, refreshed when the General
 * Office publishes the next year's arrangement, usually in November); an override file in config/ supplies a
 * year the installed package does not know yet, or corrects one, and replaces that year's data entirely.
 *
 * A leaf module (only time/shanghai.ts below it): anything that counts working time — escalation delays,
 * SMS working hours, the daily digest, task deadline reminders — asks it. Days are Shanghai 'YYYY-MM-DD'.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { addDays, parseDay, shanghaiDayStart, shanghaiInstant, toShanghaiDay } from './shanghai.js';

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup_workday';

export interface WorkingCalendar {
  kind(day: string): DayKind;
  isWorkingDay(day: string): boolean;
  /** The statutory holiday's name ("春节", "Spring Festival") for a holiday or make-up day, else null. */
  holidayName(day: string, locale: 'zh-CN' | 'en'): string | null;
  /** Whether the calendar knows the year (package or override); an unknown year counts Monday–Friday. */
  knowsYear(year: number): boolean;
  /** The last year the calendar knows. */
  lastKnownYear: number;
  /** Where each known year comes from (for doctor). */
  sources: ReadonlyMap<number, 'package' | 'override'>;
}

interface YearData {
  holidays: Map<string, string>;
  workdays: Map<string, string>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** config/working-calendar.yaml: `years: { 2027: { holidays: { '2027-01-01': 元旦 }, workdays: {...} } }`. */
const overrideSchema = z.object({
  years: z.record(
    z.string().regex(/^\d{4}$/, 'a year such as 2027'),
    z.object({
      holidays: z.record(z.string().regex(DAY, 'a YYYY-MM-DD day'), z.string().min(1)).default({}),
      workdays: z.record(z.string().regex(DAY, 'a YYYY-MM-DD day'), z.string().min(1)).default({}),
    }),
  ),
});
export type CalendarOverrides = z.infer<typeof overrideSchema>;

/** The package's data file: 'YYYY-MM-DD' → "English,中文,n". */
interface PackageData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

function packageYears(): Map<number, YearData> {
  const data = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as PackageData;
  const years = new Map<number, YearData>();
  const yearOf = (day: string) => {
    const y = parseDay(day).year;
    let d = years.get(y);
    if (!d) years.set(y, (d = { holidays: new Map(), workdays: new Map() }));
    return d;
  };
  for (const [day, name] of Object.entries(data.holidays)) yearOf(day).holidays.set(day, name);
  for (const [day, name] of Object.entries(data.workdays)) yearOf(day).workdays.set(day, name);
  return years;
}

export function parseCalendarOverrides(text: string, source: string): CalendarOverrides {
  const parsed = overrideSchema.safeParse(parseYaml(text) ?? { years: {} });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new RangeError(`${source}: not a working-calendar override (${problems})`);
  }
  for (const [year, y] of Object.entries(parsed.data.years)) {
    for (const day of [...Object.keys(y.holidays), ...Object.keys(y.workdays)]) {
      if (!day.startsWith(`${year}-`)) throw new RangeError(`${source}: ${day} is listed under ${year}`);
    }
  }
  return parsed.data;
}

export function createWorkingCalendar(overrides: CalendarOverrides = { years: {} }): WorkingCalendar {
  const years = packageYears();
  const sources = new Map<number, 'package' | 'override'>();
  for (const y of years.keys()) sources.set(y, 'package');
  for (const [year, y] of Object.entries(overrides.years)) {
    // English name first, as the package writes it; an override names the holiday in Chinese only.
    const names = (r: Record<string, string>) => new Map(Object.entries(r).map(([d, n]) => [d, `${n},${n}`]));
    years.set(Number(year), { holidays: names(y.holidays), workdays: names(y.workdays) });
    sources.set(Number(year), 'override');
  }
  const lastKnownYear = Math.max(...years.keys());
  const kind = (day: string): DayKind => {
    const y = years.get(parseDay(day).year);
    if (y?.workdays.has(day)) return 'makeup_workday';
    if (y?.holidays.has(day)) return 'holiday';
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    return weekday === 0 || weekday === 6 ? 'weekend' : 'workday';
  };
  return {
    kind,
    isWorkingDay: (day) => {
      const k = kind(day);
      return k === 'workday' || k === 'makeup_workday';
    },
    holidayName(day, locale) {
      const y = years.get(parseDay(day).year);
      const raw = y?.holidays.get(day) ?? y?.workdays.get(day);
      if (!raw) return null;
      const [en, zh] = raw.split(',');
      return (locale === 'en' ? en : zh) ?? null;
    },
    knowsYear: (year) => years.has(year),
    lastKnownYear,
    sources,
  };
}

/** The calendar with the override file applied (missing file: the package alone). Read once at boot. */
export function loadWorkingCalendar(overridePath: string | null): WorkingCalendar {
  if (!overridePath) return createWorkingCalendar();
  let text: string;
  try {
    text = readFileSync(overridePath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return createWorkingCalendar();
    throw err;
  }
  return createWorkingCalendar(parseCalendarOverrides(text, overridePath));
}

/**
 * Why the calendar may be wrong for `now`, or null. The current year unknown is a fault (every holiday
 * would count as a working day); next year unknown from November on is a reminder — the arrangement is
 * normally published then, and the package or the override file should be updated.
 */
export function calendarCoverageWarning(cal: WorkingCalendar, now: Date): string | null {
  const day = toShanghaiDay(now);
  const { year, month } = parseDay(day);
  if (!cal.knowsYear(year)) {
    return `working-day calendar ends with ${cal.lastKnownYear}: ${year}'s holidays and 调休 days are unknown, so they count as ordinary weekdays/weekends — update chinese-days or add ${year} to the override file`;
  }
  if (month >= 11 && !cal.knowsYear(year + 1)) {
    return `working-day calendar ends with ${year}: add ${year + 1} (update chinese-days or the override file) once the State Council publishes it`;
  }
  return null;
}

/** The first working day on or after `day` (a year-long search bound: no calendar has a year of holidays). */
export function nextWorkingDay(cal: WorkingCalendar, day: string): string {
  let d = day;
  for (let i = 0; i < 366 && !cal.isWorkingDay(d); i++) d = addDays(d, 1);
  return d;
}

/**
 * The |n|-th working day strictly after `day` (n > 0) or before it (n < 0): one working day before Monday
 * 2021-11-15 is Friday 11-12; three working days after Friday 2026-09-25 skip the weekend to Wednesday.
 */
export function shiftWorkingDays(cal: WorkingCalendar, day: string, n: number): string {
  const step = n < 0 ? -1 : 1;
  let d = day;
  for (let left = Math.abs(n), i = 0; left > 0 && i < 3660; i++) {
    d = addDays(d, step);
    if (cal.isWorkingDay(d)) left--;
  }
  return d;
}

/** A window of working hours on a day, in minutes after Shanghai midnight (from < to, no wrapping). */
export interface WorkingHours {
  from: number;
  to: number;
}

const at = (day: string, minute: number) => shanghaiInstant(day, Math.floor(minute / 60), minute % 60);

/** The earliest instant at or after `t` that is inside the working hours of a working day. */
export function nextWorkingInstant(cal: WorkingCalendar, t: Date, hours: WorkingHours): Date {
  let day = toShanghaiDay(t);
  for (let i = 0; i < 400; i++, day = addDays(day, 1)) {
    if (!cal.isWorkingDay(day)) continue;
    const start = at(day, hours.from);
    const end = at(day, hours.to);
    if (t.getTime() < start.getTime()) return start;
    if (t.getTime() < end.getTime()) return t;
  }
  return t;
}

/**
 * `start` plus `ms` with the clock stopped on non-working days, then moved into working hours: "two hours"
 * from a Tuesday 10:00 breach is 12:00; from Friday 17:00 it is 19:00, outside the hours, so Monday 08:30
 * (or the 调休 Saturday's, if that is the next working day); "a day" from Monday 09:00 is Tuesday 09:00,
 * and from Friday 09:00 the next working day's 09:00. Hours outside working hours still count on a
 * working day — an unacknowledged night is a night — only holidays and weekends stop the clock.
 */
export function addWorkingTime(cal: WorkingCalendar, start: Date, ms: number, hours: WorkingHours): Date {
  let day = toShanghaiDay(start);
  let t = start.getTime();
  let left = ms;
  for (let i = 0; i < 800; i++) {
    if (cal.isWorkingDay(day)) {
      const end = shanghaiDayStart(addDays(day, 1)).getTime();
      if (t + left <= end) return nextWorkingInstant(cal, new Date(t + left), hours);
      left -= end - t;
    }
    day = addDays(day, 1);
    t = shanghaiDayStart(day).getTime();
  }
  return nextWorkingInstant(cal, new Date(t), hours);
}
