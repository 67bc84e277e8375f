/**
 * Reads a 完成时限 as the plans write it. A plan's deadlines are relative to its own year: 年底前 in the 2024
 * plan is 2024-12-31. Readings (docs/decisions.md "Task deadlines"):
 * - a date: 年底前 / 年内 → Dec 31; N月底前 → the month's last day; N月D日前 → that day; N月中旬前 → the 15th;
 *   上半年 → Jun 30; 下半年 → Dec 31; 一季度(末/底)前 → the quarter's last day; a leading 2025年 moves the year;
 * - a recurrence: 每月/按月 (monthly), 每季度/按季度 (quarterly), 每半年, 每年;
 * - ongoing: 长期实施, 长期坚持, 持续推进/实施/开展 — no due date; progress is still reported monthly;
 *   "4月1日起" (from April 1 on, 002:2662) is ongoing from that day;
 * - milestone: 按时间节点完成 and the like — the dates are set by the city's schedule, not in the plan;
 * - a season with its date in brackets, "供暖季前（11月15日前）" (001), is the bracketed date; a span of months
 *   "6-9月" (001) is due at the end of its last month;
 * - several: a cell listing more than one ("年底前 长期实施", BDA 004:84), each part read on its own;
 * - anything else is "unparsed" and listed by check-tasks.
 */
import type { Deadline, SingleDeadline } from './task-schema.js';

const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4 };

const pad = (n: number) => String(n).padStart(2, '0');

function lastDayOf(year: number, month: number): string {
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(day)}`;
}

const ONGOING = /^(?:长期实施|长期坚持|长期|持续推进|持续实施|持续开展|持续|常态化|长效)$/;
const MILESTONE =
  /^(?:按时间节点完成|按时间节点|按照时间节点|按时间节点要求完成|按要求完成|按市级要求|按照市级要求)$/;
const RECURRING: [RegExp, SingleDeadline][] = [
  [/^(?:每月|按月|每月底前)$/, { kind: 'recurring', every: 'month' }],
  [/^(?:每季度|按季度|每季度末)$/, { kind: 'recurring', every: 'quarter' }],
  [/^(?:每半年)$/, { kind: 'recurring', every: 'half_year' }],
  [/^(?:每年|按年度)$/, { kind: 'recurring', every: 'year' }],
];

function parseDate(text: string, planYear: number): SingleDeadline | undefined {
  const yearMatch = /^(\d{4})年(.*)$/.exec(text);
  const year = yearMatch ? Number(yearMatch[1]) : planYear;
  const rest = (yearMatch ? yearMatch[2]! : text).replace(/完成$/, '').replace(/^年内完成$/, '年内');
  if (/^(?:年底前|年底|年内|底前|下半年)$/.test(rest)) return { kind: 'due', due: `${year}-12-31` };
  if (rest === '上半年' || rest === '上半年前') return { kind: 'due', due: `${year}-06-30` };
  const monthEnd = /^(\d{1,2})月(?:底)?前$/.exec(rest) ?? /^(\d{1,2})月底$/.exec(rest);
  if (monthEnd) return { kind: 'due', due: lastDayOf(year, Number(monthEnd[1])) };
  const day = /^(\d{1,2})月(\d{1,2})日前?$/.exec(rest);
  if (day) return { kind: 'due', due: `${year}-${pad(Number(day[1]))}-${pad(Number(day[2]))}` };
  const mid = /^(\d{1,2})月(上旬|中旬|下旬)前$/.exec(rest);
  if (mid) {
    const month = Number(mid[1]);
    const due =
      mid[2] === '上旬'
        ? `${year}-${pad(month)}-10`
        : mid[2] === '中旬'
          ? `${year}-${pad(month)}-20`
          : lastDayOf(year, month);
    return { kind: 'due', due };
  }
  const span = /^\d{1,2}[-—~至](\d{1,2})月$/.exec(rest);
  if (span) return { kind: 'due', due: lastDayOf(year, Number(span[1])) };
  const quarter = /^(?:第)?([一二三四])季度(?:末|底)?前?$/.exec(rest);
  if (quarter) return { kind: 'due', due: lastDayOf(year, CN_DIGITS[quarter[1]!]! * 3) };
  return undefined;
}

export function parseSingleDeadline(text: string, planYear: number): SingleDeadline {
  const t = text.replace(/\s+/g, '');
  if (ONGOING.test(t)) return { kind: 'ongoing' };
  if (MILESTONE.test(t)) return { kind: 'milestone' };
  for (const [re, d] of RECURRING) if (re.test(t)) return d;
  const from = /^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日起$/.exec(t);
  if (from)
    return {
      kind: 'ongoing',
      from: `${from[1] ?? planYear}-${pad(Number(from[2]))}-${pad(Number(from[3]))}`,
    };
  const bracketed = /^[^（(]+[（(](.+)[）)]$/.exec(t);
  return (
    parseDate(t, planYear) ??
    (bracketed ? parseDate(bracketed[1]!, planYear) : undefined) ?? { kind: 'unparsed' }
  );
}

/** Several wordings in one cell are separated by spaces, 、 or line breaks; a space inside one wording is not. */
export function parseDeadline(text: string, planYear: number): Deadline {
  const whole = parseSingleDeadline(text, planYear);
  if (whole.kind !== 'unparsed') return whole;
  const parts = text.split(/[\s、；;]+/).filter((p) => p !== '');
  if (parts.length < 2) return whole;
  const parsed = parts.map((p) => parseSingleDeadline(p, planYear));
  return { kind: 'several', parts: parsed };
}
