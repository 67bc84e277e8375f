/**
 * Shanghai calendar arithmetic for the hot path of validation (millions of rows): China has kept UTC+8 without
 * daylight saving since 1992, so from then on a Shanghai day is the UTC day of the instant + 8 h. Earlier
 * instants (1986-1991 had summer time) take the general, slower path of services/time.
 */
import { shanghaiDayStart, toShanghaiDay } from '../time/shanghai.js';

const FIXED_OFFSET_FROM = Date.UTC(1992, 0, 1);
const OFFSET = 8 * 3_600_000;

export function shanghaiDayOf(ts: Date): string {
  const ms = ts.getTime();
  return ms >= FIXED_OFFSET_FROM ? new Date(ms + OFFSET).toISOString().slice(0, 10) : toShanghaiDay(ts);
}

export function shanghaiDayStartMs(day: string): number {
  return day >= '1992-01-02' ? Date.parse(`${day}T00:00:00+08:00`) : shanghaiDayStart(day).getTime();
}
