/**
 * The shared verdict of the counting rules (heavy-pollution days, months in a city-wide bottom N): a count
 * that may reach `allowed` and no further. A count above it is breached at once — more data can only add
 * to it. Before the period ends the remaining allowance is reported ("one more month in the bottom 30
 * breaks the target"), and the documented at_risk rule is: the allowance is used up (and was not zero to
 * begin with), or last year's same remaining window had more events than the allowance left.
 */
import type { EvaluationStatus } from './rule-kind.js';

export interface CountVerdictInput {
  count: number;
  allowed: number;
  final: boolean;
  enoughData: boolean;
  lastYearRemaining: number | null;
}

export function countVerdict(v: CountVerdictInput): { status: EvaluationStatus; allowance: number } {
  const allowance = v.allowed - v.count;
  if (allowance < 0) return { status: 'breached', allowance };
  if (!v.enoughData) return { status: 'insufficient_data', allowance };
  if (v.final) return { status: 'met', allowance };
  const usedUp = allowance === 0 && v.allowed > 0;
  const lastYearPace = v.lastYearRemaining !== null && v.lastYearRemaining > allowance;
  return { status: usedUp || lastYearPace ? 'at_risk' : 'met', allowance };
}

/**
 * "频次同比下降" (002:2404): this year's count must be below last year's, so at most last − 1. A unit with
 * none last year cannot go lower (§8 q.11): `zeroBaseline: met` lets it meet the target by staying at zero,
 * `breached` treats the target as unreachable.
 */
export function allowedBelow(lastYear: number, zeroBaseline: 'met' | 'breached'): number {
  if (lastYear > 0) return lastYear - 1;
  return zeroBaseline === 'met' ? 0 : -1;
}

/**
 * The count rule in words. "须少于上年的0次（至多0次）" reads as nonsense to an official: a zero baseline is said
 * as what it means (§8 q.11): nothing to go below, so staying at zero meets it (or, with `zeroBaseline:
 * breached`, the target cannot be met).
 */
export function countRuleText(
  c: { max?: number; lastYear: number; allowed: number; zeroBaseline: 'met' | 'breached' },
  unit: { zh: string; en: string },
  /** 上年全年 for a year, 去年同期 for a shorter period. */
  lastYearZh: string,
): { zh: string; en: string } {
  if (c.max !== undefined) return { zh: `上限${c.max}${unit.zh}`, en: `limit ${c.max}` };
  if (c.lastYear === 0) {
    return c.zeroBaseline === 'met'
      ? {
          zh: `${lastYearZh}0${unit.zh}，不能再少，保持0${unit.zh}即达标`,
          en: `none last year, so staying at none meets it`,
        }
      : { zh: `${lastYearZh}0${unit.zh}，无法再少，按未达标处理`, en: `none last year: it cannot go lower` };
  }
  return {
    zh: `须少于${lastYearZh}的${c.lastYear}${unit.zh}（至多${Math.max(c.allowed, 0)}${unit.zh}）`,
    en: `must be fewer than last year's ${c.lastYear} (at most ${Math.max(c.allowed, 0)})`,
  };
}
