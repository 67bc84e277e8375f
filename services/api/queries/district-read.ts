/** What the district page reads beyond the overview: its streets/towns ranked on one month's mean. */
import type { Queryable } from '../../db/queryable.js';

export interface AreaMonthRank {
  area_id: string;
  value: number;
  rank: number;
}

/** The district's streets/towns by a month's valid mean, best first (metrics where lower is better ascend). */
export async function readAreaMonthRanking(
  db: Queryable,
  q: { districtId: string; metricId: string; month: string },
): Promise<AreaMonthRank[]> {
  const { rows } = await db.query<AreaMonthRank>(
    `SELECT m.scope_id AS area_id, m.value,
            rank() OVER (ORDER BY CASE WHEN mt.better = 'lower' THEN m.value ELSE -m.value END)::int AS rank
       FROM scope_monthly m
       JOIN area a ON a.id = m.scope_id AND a.district_id = $1
       JOIN metric mt ON mt.id = m.metric_id
      WHERE m.metric_id = $2 AND m.valid AND m.month = $3::date
      ORDER BY rank, m.scope_id`,
    [q.districtId, q.metricId, `${q.month}-01`],
  );
  return rows;
}

/** The latest month with any valid street/town mean up to `toMonth` (the ranking shows that month). */
export async function readLatestRankedMonth(
  db: Queryable,
  q: { districtId: string; metricId: string; fromMonth: string; toMonth: string },
): Promise<string | null> {
  const { rows } = await db.query<{ month: string | null }>(
    `SELECT to_char(max(m.month), 'YYYY-MM') AS month
       FROM scope_monthly m JOIN area a ON a.id = m.scope_id AND a.district_id = $1
      WHERE m.metric_id = $2 AND m.valid AND m.month BETWEEN $3::date AND $4::date`,
    [q.districtId, q.metricId, `${q.fromMonth}-01`, `${q.toMonth}-01`],
  );
  return rows[0]?.month ?? null;
}
