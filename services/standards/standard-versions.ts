import { assertShanghaiDay } from './calendar-day.js';

/**
 * Which edition of each standard governs an observation made on a Shanghai natural day.
 *
 * WHY by observation day: a computation must use the version in force on the observation date and record
 * it (standards.md §1), so 2020–2025 history keeps the 2012 numbers and year-on-year comparisons across
 * 2026-03-01 stay honest. Callers store the returned label next to every derived value.
 */

export type Gb3095Version = 'GB3095-2012' | 'GB3095-2026';
export type Hj633Version = 'HJ633-2012' | 'HJ633-2026';

/**
 * GB 3095-2026 has two sets of limits for the basic items (Table 1): "过渡阶段浓度限值" from 2026-03-01
 * to 2030-12-31 and "浓度限值" from 2031-01-01 (GB 3095-2026 前言 and §4.4).
 */
export type Gb3095LimitStage = 'GB3095-2012' | 'GB3095-2026-transition' | 'GB3095-2026-final';

/** GB 3095-2026 cover page: "2026-03-01实施"; 前言: GB 3095-2012 is withdrawn on that day. */
export const GB3095_2026_EFFECTIVE_DAY = '2026-03-01';
/** HJ 633-2026 前言: "本标准自2026年3月1日起实施", HJ 633-2012 withdrawn on that day. */
export const HJ633_2026_EFFECTIVE_DAY = '2026-03-01';
/** GB 3095-2026 §4.4: transition limits "至2030年12月31日止"; Table 1 final limits "自2031年1月1日起". */
export const GB3095_2026_FINAL_LIMITS_DAY = '2031-01-01';

/*
 * Days before 2026-03-01 map to the 2012 editions without a lower bound. GB 3095-2012 / HJ 633-2012 were
 * in force nationwide from 2016-01-01, but key regions (Beijing among them) applied them early in the
 * staged roll-out from 2012, and the project's history starts in 2020; rejecting earlier days would only
 * break back-fills. Comparisons are plain string comparisons, valid because days are validated YYYY-MM-DD.
 */

export function gb3095VersionOn(day: string): Gb3095Version {
  assertShanghaiDay(day);
  return day < GB3095_2026_EFFECTIVE_DAY ? 'GB3095-2012' : 'GB3095-2026';
}

export function gb3095LimitStageOn(day: string): Gb3095LimitStage {
  assertShanghaiDay(day);
  if (day < GB3095_2026_EFFECTIVE_DAY) return 'GB3095-2012';
  return day < GB3095_2026_FINAL_LIMITS_DAY ? 'GB3095-2026-transition' : 'GB3095-2026-final';
}

export function hj633VersionOn(day: string): Hj633Version {
  assertShanghaiDay(day);
  return day < HJ633_2026_EFFECTIVE_DAY ? 'HJ633-2012' : 'HJ633-2026';
}
