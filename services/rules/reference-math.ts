/**
 * The arithmetic of the 2020/2021 street/town tiering, kept pure so each choice is tested on its own
 * (decisions in docs/decisions.md, §8 q.1-3):
 * - reference level: the district's own mean ("通州区年均值", 2020) or the unweighted mean of the units'
 *   means, the evaluated unit included ("全区各街道乡镇年均值", 2021);
 * - improvement rate of a unit: relative (prev − cur) / prev by default, or absolute (prev − cur) — both
 *   from the rounded means, the relative rate rounded to 0.1 percentage point as such rates are published;
 * - average improvement rate ("全区各街道乡镇平均改善率"): the arithmetic mean of the units' rates by
 *   default; or the rate of the units' mean; or the district's own rate.
 */
import { round } from './explain.js';

export type AverageRateMethod = 'mean_of_unit_rates' | 'rate_of_unit_mean' | 'district_rate';
export type RateKind = 'relative' | 'absolute';

export interface UnitMeans {
  scopeId: string;
  /** Rounded means; null when that window lacks valid data. */
  current: number | null;
  previous: number | null;
}

export function improvementRate(
  current: number,
  previous: number,
  kind: RateKind,
  decimals: number,
): number | null {
  if (kind === 'absolute') return round(previous - current, decimals);
  if (previous === 0) return null;
  return round((previous - current) / previous, 3);
}

export function meanOf(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The reference level before offsets, rounded to `decimals`; null when it cannot be computed. */
export function referenceLevel(
  method: 'district' | 'mean_of_units',
  units: readonly UnitMeans[],
  district: UnitMeans | null,
  decimals: number,
): number | null {
  const v =
    method === 'district'
      ? (district?.current ?? null)
      : meanOf(units.map((u) => u.current).filter((c): c is number => c !== null));
  return v === null ? null : round(v, decimals);
}

export function averageRate(
  method: AverageRateMethod,
  units: readonly UnitMeans[],
  district: UnitMeans | null,
  kind: RateKind,
  decimals: number,
): number | null {
  const both = units.filter((u) => u.current !== null && u.previous !== null) as {
    current: number;
    previous: number;
  }[];
  if (method === 'district_rate') {
    if (!district || district.current === null || district.previous === null) return null;
    return improvementRate(district.current, district.previous, kind, decimals);
  }
  if (both.length === 0) return null;
  if (method === 'rate_of_unit_mean') {
    return improvementRate(
      meanOf(both.map((u) => u.current))!,
      meanOf(both.map((u) => u.previous))!,
      kind,
      decimals,
    );
  }
  const rates = both
    .map((u) => improvementRate(u.current, u.previous, kind, decimals))
    .filter((r): r is number => r !== null);
  const m = meanOf(rates);
  return m === null ? null : kind === 'relative' ? round(m, 3) : round(m, decimals);
}
