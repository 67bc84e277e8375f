/**
 * City-wide (全市) monthly rank positions of streets/towns, as the city publishes them (standards.md §8): rank
 * 1 = best, with the number of units ranked, which "后30名" needs. Two delivery paths exist and both are read:
 * the `city_ranking` table (migration 0010; metric = the ranked quantity, e.g. pm25) and rank measurements
 * (metric city_rank_<x>, series = area, flag `ranked:<N>`); the table wins when both have a month. Published
 * rankings are the city's final word: they count as audited data. The bottom-N test runs in SQL so that
 * one row per scope comes back, not one per month.
 */
import type { Queryable } from '../../db/queryable.js';

export interface RankTally {
  /** Months (YYYY-MM) with a rank whose bottom-N membership is known, in order. */
  known: string[];
  /** The data version of each known month, same order. */
  versions: number[];
  /** Known months in the bottom N. */
  inBottom: string[];
  /** The published rank and number ranked of each month in the bottom N ("328/333"), for explanations. */
  bottomRanks: Record<string, { rank: number; ranked: number }>;
}

/** scope → tally for the months whose first day is in [fromDay, toDay]. */
export async function readRankTallies(
  db: Queryable,
  q: {
    rankMetricId: string;
    rankingMetricId: string | null;
    scopeIds: readonly string[];
    fromDay: string;
    toDay: string;
    bottom: number;
    /** Units ranked when a delivery does not say; null leaves such a month unknown. */
    rankedDefault: number | null;
  },
): Promise<Map<string, RankTally>> {
  const { rows } = await db.query<{
    scope_id: string;
    known: string[] | null;
    versions: number[] | null;
    in_bottom: string[] | null;
    bottom_ranks: string[] | null;
  }>(
    `WITH scopes AS (SELECT DISTINCT unnest($3::text[]) AS scope_id),
     published AS (
       SELECT c.area_id AS scope_id, c.period_start AS m, c.rank, c.n_ranked AS n, 1 AS version
         FROM city_ranking c JOIN scopes s ON s.scope_id = c.area_id
        WHERE c.metric_id = $2 AND c.period_kind = 'month' AND c.period_start BETWEEN $4 AND $5
     ),
     measured AS (
       SELECT me.series_id AS scope_id, (me.ts AT TIME ZONE 'Asia/Shanghai')::date AS m, round(me.value)::int AS rank,
              (SELECT substring(f FROM '^ranked[:=]([0-9]+)$')::int FROM unnest(me.flags) f
                WHERE f ~ '^ranked[:=][0-9]+$' LIMIT 1) AS n,
              me.data_version::int AS version
         FROM measurement me JOIN scopes s ON s.scope_id = me.series_id
        WHERE me.metric_id = $1
          AND me.ts >= $4::date::timestamp AT TIME ZONE 'Asia/Shanghai'
          AND me.ts < ($5::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
     ),
     ranks AS (
       SELECT scope_id, m, rank, coalesce(n, $7) AS n, version FROM published
       UNION ALL
       SELECT scope_id, m, rank, coalesce(n, $7), version FROM measured me
        WHERE NOT EXISTS (SELECT 1 FROM published p WHERE p.scope_id = me.scope_id AND p.m = me.m)
     )
     SELECT scope_id,
            array_agg(m::text) FILTER (WHERE n IS NOT NULL) AS known,
            array_agg(version) FILTER (WHERE n IS NOT NULL) AS versions,
            array_agg(m::text) FILTER (WHERE rank > n - $6) AS in_bottom,
            array_agg(m::text || '|' || rank || '|' || n) FILTER (WHERE rank > n - $6) AS bottom_ranks
       FROM ranks GROUP BY scope_id`,
    [q.rankMetricId, q.rankingMetricId, q.scopeIds, q.fromDay, q.toDay, q.bottom, q.rankedDefault],
  );
  // Months come back as first days (YYYY-MM-01) in no particular order: sort them, keeping versions aligned.
  const tally = (r: (typeof rows)[number]): RankTally => {
    const known = (r.known ?? [])
      .map((d, i) => ({ m: d.slice(0, 7), v: r.versions![i]! }))
      .sort((a, b) => (a.m < b.m ? -1 : 1));
    return {
      known: known.map((k) => k.m),
      versions: known.map((k) => k.v),
      inBottom: (r.in_bottom ?? []).map((d) => d.slice(0, 7)).sort(),
      bottomRanks: Object.fromEntries(
        (r.bottom_ranks ?? []).map((x) => {
          const [d, rank, ranked] = x.split('|') as [string, string, string];
          return [d.slice(0, 7), { rank: Number(rank), ranked: Number(ranked) }];
        }),
      ),
    };
  };
  return new Map(rows.map((r) => [r.scope_id, tally(r)]));
}
