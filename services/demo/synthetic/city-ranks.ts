/**
 * City-wide (全市) monthly rankings. The city ranks every plain-area street/town of Beijing (≈ 260-340 units,
 * standards.md §8) and publishes the positions; the district cannot compute them because it does not hold the
 * rest of the city's data. Here the rest of the city is synthetic — 304 anonymous units drawn around the
 * city's level — and our 26 units enter with the very values the demo delivers for them, so a position is
 * always consistent with the unit's value. Rank 1 is the best (lowest) value; equal values share a rank
 * (standard competition ranking), as the city's bottom-30 tables do.
 */
import { streamFor } from './prng.js';

export const CITY_RANK_METRICS = [
  'city_rank_pm25',
  'city_rank_tsp',
  'city_rank_road_dust_load',
  'city_rank_bare_land',
] as const;
export type CityRankMetric = (typeof CITY_RANK_METRICS)[number];

export const OTHER_UNITS = 304;

export interface RankedUnit {
  name: string;
  areaId: string | null;
  value: number;
  rank: number;
}

export interface CityRanking {
  metric: CityRankMetric;
  month: string;
  ranked: number;
  units: RankedUnit[];
}

interface CityLevel {
  /** Median of the other units relative to the mean of ours (Tongzhou sits in the city's south-east). */
  relativeMedian: number;
  logSd: number;
  decimals: number;
  /** Share of units with nothing to report (no bare land at all). */
  zeroShare: number;
}

// Calibrated so that the south-eastern towns (tier +3/+4) reach the bottom 30 in most winter months and the
// bottom 10 now and then, while the old-town streets sit mid-table.
const LEVELS: Record<CityRankMetric, CityLevel> = {
  city_rank_pm25: { relativeMedian: 0.9, logSd: 0.13, decimals: 0, zeroShare: 0 },
  city_rank_tsp: { relativeMedian: 0.88, logSd: 0.17, decimals: 0, zeroShare: 0 },
  city_rank_road_dust_load: { relativeMedian: 0.85, logSd: 0.3, decimals: 2, zeroShare: 0 },
  city_rank_bare_land: { relativeMedian: 0.8, logSd: 0.9, decimals: 0, zeroShare: 0.15 },
};

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

export function rankCity(
  seed: number,
  metric: CityRankMetric,
  month: string,
  ours: readonly { areaId: string; name: string; value: number }[],
): CityRanking {
  const level = LEVELS[metric];
  const rng = streamFor(seed, `city|${metric}|${month}`);
  const ourMean = ours.reduce((a, u) => a + u.value, 0) / Math.max(1, ours.length);
  const median = ourMean * level.relativeMedian;
  const entries: Omit<RankedUnit, 'rank'>[] = ours.map((u) => ({
    name: u.name,
    areaId: u.areaId,
    value: round(u.value, level.decimals),
  }));
  for (let i = 1; i <= OTHER_UNITS; i++) {
    const zero = rng.chance(level.zeroShare);
    const value = zero ? 0 : median * Math.exp(level.logSd * rng.normal());
    entries.push({
      name: `全市其他街乡镇（合成）${String(i).padStart(3, '0')}`,
      areaId: null,
      value: round(value, level.decimals),
    });
  }
  entries.sort((a, b) => a.value - b.value || a.name.localeCompare(b.name));
  const units: RankedUnit[] = [];
  entries.forEach((e, i) => {
    const prev = units[i - 1];
    units.push({ ...e, rank: prev && prev.value === e.value ? prev.rank : i + 1 });
  });
  return { metric, month, ranked: units.length, units };
}
