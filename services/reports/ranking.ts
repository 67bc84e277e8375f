/**
 * Ranking of streets/towns. Pure functions, no I/O.
 *
 * - Values are compared at the precision the report prints (the metric's decimals, GB/T 8170 rounding):
 *   a bulletin that prints 35.0 twice must give both the same rank, as the city's own tables do.
 * - Ties share a rank (standard competition ranking 1, 2, 2, 4; standards.md §8 "ties share a rank").
 * - The best 3 and worst 3 are marked (standards.md §8, each district's best 3 and worst 3). A tie at the
 *   cut keeps every tied unit. For a scope of fewer than six units the mark count drops to ⌊n/2⌋ so that
 *   one unit is never both best and worst (BDA has four units).
 */
import { roundGbt8170 } from '../standards/index.js';

export interface RankInput<T> {
  item: T;
  value: number | null;
}

export interface Ranked<T> {
  item: T;
  value: number | null;
  rank: number | null;
  mark: 'best' | 'worst' | null;
}

export const MARK_COUNT = 3;

export function roundForRanking(value: number, decimals: number): number {
  return roundGbt8170(value, decimals);
}

/** Competition ranks of `values` (already rounded); `better` says whether lower or higher is better. */
export function competitionRanks(values: readonly number[], better: 'lower' | 'higher'): number[] {
  const order = values.map((v, i) => ({ v, i }));
  order.sort((a, b) => (better === 'lower' ? a.v - b.v : b.v - a.v));
  const ranks = new Array<number>(values.length);
  for (let pos = 0; pos < order.length; pos++) {
    const cur = order[pos]!;
    const prev = order[pos - 1];
    ranks[cur.i] = prev !== undefined && prev.v === cur.v ? ranks[prev.i]! : pos + 1;
  }
  return ranks;
}

export function markCountFor(rankedCount: number): number {
  return Math.min(MARK_COUNT, Math.floor(rankedCount / 2));
}

/**
 * Ranks the items with a value; items without one keep their input order after the ranked ones.
 * A unit is "worst" when its rank counted from the bottom (with ties) is within the mark count.
 */
export function rankItems<T>(
  inputs: readonly RankInput<T>[],
  opts: { decimals: number; better: 'lower' | 'higher' },
): { rows: Ranked<T>[]; rankedCount: number; markCount: number } {
  const withValue = inputs
    .map((input, index) => ({ ...input, index }))
    .filter(
      (x): x is { item: T; value: number; index: number } => x.value !== null && Number.isFinite(x.value),
    );
  const rounded = withValue.map((x) => roundForRanking(x.value, opts.decimals));
  const ranks = competitionRanks(rounded, opts.better);
  const reverse = competitionRanks(rounded, opts.better === 'lower' ? 'higher' : 'lower');
  const markCount = markCountFor(withValue.length);
  const ranked: (Ranked<T> & { index: number })[] = withValue.map((x, k) => {
    const best = ranks[k]! <= markCount;
    const worst = reverse[k]! <= markCount;
    // Both can only hold when every value is equal; then nobody stands out.
    const mark = best && !worst ? 'best' : worst && !best ? 'worst' : null;
    return { item: x.item, value: rounded[k]!, rank: ranks[k]!, mark, index: x.index };
  });
  ranked.sort((a, b) => a.rank! - b.rank! || a.index - b.index);
  const unranked: Ranked<T>[] = inputs
    .filter((x) => x.value === null || !Number.isFinite(x.value))
    .map((x) => ({ item: x.item, value: null, rank: null, mark: null }));
  return {
    rows: [...ranked.map(({ index: _index, ...r }) => r), ...unranked],
    rankedCount: withValue.length,
    markCount,
  };
}

/** Change against last year in the metric's unit, from the printed (rounded) values. */
export function yearOnYearChange(
  value: number | null,
  lastYear: number | null,
  decimals: number,
): { change: number | null; changePct: number | null } {
  if (value === null || lastYear === null) return { change: null, changePct: null };
  const v = roundGbt8170(value, decimals);
  const ly = roundGbt8170(lastYear, decimals);
  const change = roundGbt8170(v - ly, decimals);
  const changePct = ly === 0 ? null : roundGbt8170(((v - ly) / ly) * 100, 1);
  return { change, changePct };
}

/**
 * City-wide bottom-N flags (002:2404-2405): 后10名 are the ten largest rank numbers among `ranked` units, so
 * a unit is in the bottom N when rank > ranked − N. Unknown without the number of units ranked.
 */
export function cityBottomFlags(
  rank: number,
  ranked: number | null,
): { bottom10: boolean | null; bottom30: boolean | null } {
  if (ranked === null) return { bottom10: null, bottom30: null };
  return { bottom10: rank > ranked - 10, bottom30: rank > ranked - 30 };
}
