/**
 * Times as feeds write them. An instant must carry its zone (2024-03-01T08:00:00+08:00 or …Z): a bare
 * "2024-03-01 08:00" is eight hours ambiguous, so it is refused unless the delivery itself declares the zone
 * (a header "时间(北京时间)", a pull source's `time_zone`), which then applies to the whole delivery.
 * A natural day or a calendar month is not ambiguous in the business calendar (Asia/Shanghai, GB 3095
 * "自然日"), so "2024-03", "2024年3月" and "2024-03-01" are accepted where the metric's period is a day or month.
 */
import { shanghaiInstant } from '../time/shanghai.js';

const ZONED =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)$/i;
const UNZONED = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const MONTH = /^(\d{4})\s*(?:-|\/|\.|年)\s*(\d{1,2})\s*月?(?:份)?$/;
const DAY = /^(\d{4})\s*(?:-|\/|\.|年)\s*(\d{1,2})\s*(?:-|\/|\.|月)\s*(\d{1,2})\s*日?$/;

export type InstantParse =
  { ok: true; date: Date } | { ok: false; reason: 'MISSING_TIMEZONE' | 'BAD_TIMESTAMP' };

/** A zone written as Z, +08, +0800 or +08:00; returns the canonical ±HH:MM or null. */
export function normaliseZone(zone: string): string | null {
  const z = zone.trim().toUpperCase();
  if (z === 'Z' || z === 'UTC') return 'Z';
  if (z === '北京时间' || z === 'CST' || z === 'ASIA/SHANGHAI') return '+08:00';
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
  if (!m) return null;
  return `${m[1]}${m[2]}:${m[3] ?? '00'}`;
}

export function parseInstant(text: string, defaultZone?: string | null): InstantParse {
  const t = text.trim().replace(/\//g, '-');
  let m = ZONED.exec(t);
  if (m) {
    const zone = normaliseZone(m[8]!);
    if (!zone) return { ok: false, reason: 'BAD_TIMESTAMP' };
    return build([m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6] ?? '00'], m[7] ? `.${m[7]}` : '', zone);
  }
  m = UNZONED.exec(t);
  if (m) {
    if (!defaultZone) return { ok: false, reason: 'MISSING_TIMEZONE' };
    return build([m[1]!, m[2]!, m[3]!, m[4] ?? '0', m[5] ?? '00', m[6] ?? '00'], '', defaultZone);
  }
  return { ok: false, reason: 'BAD_TIMESTAMP' };
}

/**
 * Checks the fields (Date would roll 2024-02-30 over to March: a feed that writes it has a bug we must not
 * paper over) and builds the instant. "24:00" is accepted as the end of the day: Chinese hourly tables label
 * hours 1..24 by their end (a source declares that with time_label: end).
 */
function build(
  fields: [string, string, string, string, string, string],
  fraction: string,
  zone: string,
): InstantParse {
  const [y, mo, d, h, mi, s] = fields.map(Number) as [number, number, number, number, number, number];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d)
    return { ok: false, reason: 'BAD_TIMESTAMP' };
  const endOfDay = h === 24 && mi === 0 && s === 0;
  if ((h > 23 && !endOfDay) || mi > 59 || s > 59) return { ok: false, reason: 'BAD_TIMESTAMP' };
  const iso = `${fields[0]}-${pad(fields[1])}-${pad(fields[2])}T${endOfDay ? '00' : pad(fields[3])}:${pad(fields[4])}:${pad(fields[5])}${fraction}${zone}`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return { ok: false, reason: 'BAD_TIMESTAMP' };
  return { ok: true, date: endOfDay ? new Date(date.getTime() + 86_400_000) : date };
}

/** "2024-03", "2024/3", "2024年3月" → { year, month }; null when the text is not a bare month. */
export function parseMonthText(text: string): { year: number; month: number } | null {
  const m = MONTH.exec(text.normalize('NFKC').trim());
  if (!m) return null;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? { year: Number(m[1]), month } : null;
}

/** "2024-03-05", "2024/3/5", "2024年3月5日" → the day as YYYY-MM-DD; null when not a valid bare day. */
export function parseDayText(text: string): string | null {
  const m = DAY.exec(text.normalize('NFKC').trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return null;
  return `${m[1]}-${pad(m[2]!)}-${pad(m[3]!)}`;
}

/** Shanghai midnight starting a bare month (monthly metrics) or day, or null. */
export function parseBarePeriodStart(text: string, resolution: 'day' | 'month'): Date | null {
  const month = resolution === 'month' ? parseMonthText(text) : null;
  if (month) return shanghaiInstant(`${month.year}-${pad(String(month.month))}-01`);
  const day = parseDayText(text);
  if (!day) return null;
  if (resolution === 'month' && !day.endsWith('-01')) return null;
  return shanghaiInstant(day);
}

function pad(s: string): string {
  return s.padStart(2, '0');
}

/**
 * A bound of an event period (sand-dust, warning): an instant with its zone, or a bare day meaning the whole
 * Shanghai natural day — its start for a start, the next midnight for an end ("3月15日至3月16日" covers both days).
 */
export function parseEventBound(text: string, zone: string | null, bound: 'start' | 'end'): InstantParse {
  const parsed = parseInstant(text, zone);
  if (parsed.ok) return parsed;
  const day = parseDayText(text);
  if (!day) return parsed;
  const start = shanghaiInstant(day);
  return { ok: true, date: bound === 'start' ? start : new Date(start.getTime() + 86_400_000) };
}
