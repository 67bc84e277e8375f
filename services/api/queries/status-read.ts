/** Target status per scope and period (evaluation_current + the evaluation it points to), with explanations. */
import type { Queryable } from '../../db/queryable.js';

export interface TargetStatusRow {
  target_id: string;
  plan_id: string;
  scope_id: string;
  period_key: string;
  status: 'met' | 'at_risk' | 'breached' | 'insufficient_data';
  previous_status: string | null;
  status_since: Date;
  metric_id: string;
  title_zh: string;
  title_en: string;
  strictness: 'hard' | 'soft';
  source: string;
  value: number | null;
  threshold: number | null;
  coverage: number | null;
  data_version: string;
  as_of: string;
  explanation_zh: string;
  explanation_en: string;
  evaluated_at: Date;
}

export interface StatusFilter {
  /** null: every scope (callers confine area users before calling). */
  scopeIds: readonly string[] | null;
  /** An exact period key (2024, 2024-Q1, 2024-03) or a year, which matches all its periods. */
  period: string | null;
  targetId: string | null;
  status: string | null;
  /** A scoped bureau's districts (null: every district): scopes that are those districts or lie in them. */
  districtIds?: readonly string[] | null;
  limit: number;
}

export async function listTargetStatuses(db: Queryable, f: StatusFilter): Promise<TargetStatusRow[]> {
  const yearOnly = f.period !== null && /^\d{4}$/.test(f.period);
  const { rows } = await db.query<TargetStatusRow>(
    `SELECT ec.target_id, t.plan_id, ec.scope_id, ec.period_key, ec.status, ec.previous_status, ec.status_since,
            t.metric_id, t.title_zh, t.title_en, t.strictness, t.source, e.value, e.threshold, e.coverage,
            e.data_version, e.as_of::text AS as_of, e.explanation_zh, e.explanation_en, e.evaluated_at
       FROM evaluation_current ec
       JOIN evaluation e ON e.id = ec.evaluation_id
       JOIN target t ON t.id = ec.target_id
       LEFT JOIN area ar ON ar.id = ec.scope_id
       LEFT JOIN site s ON s.id = ec.scope_id
      WHERE ($1::text[] IS NULL OR ec.scope_id = ANY ($1))
        AND ($7::text[] IS NULL OR coalesce(ar.district_id, s.district_id, ec.scope_id) = ANY ($7))
        AND ($2::text IS NULL OR ec.period_key = $2 OR ($3 AND ec.period_key LIKE $2 || '-%'))
        AND ($4::text IS NULL OR ec.target_id = $4)
        AND ($5::text IS NULL OR ec.status = $5)
      ORDER BY ec.scope_id, ec.target_id, ec.period_key DESC
      LIMIT $6`,
    [f.scopeIds, f.period, yearOnly, f.targetId, f.status, f.limit, f.districtIds ?? null],
  );
  return rows;
}

export interface MonthlyRankRow {
  month: string;
  scope_id: string;
  value: number;
  rank: number;
  of: number;
}

/**
 * The street/town's place among the district's areas by monthly mean (1 = best; metrics where lower is
 * better rank ascending), from scope_monthly. Invalid months are not ranked.
 */
export async function readDistrictRanks(
  db: Queryable,
  q: { districtId: string; areaId: string; metricId: string; fromMonth: string; toMonth: string },
): Promise<MonthlyRankRow[]> {
  const { rows } = await db.query<MonthlyRankRow>(
    `WITH ranked AS (
       SELECT to_char(m.month, 'YYYY-MM') AS month, m.scope_id, m.value,
              rank() OVER (PARTITION BY m.month ORDER BY CASE WHEN mt.better = 'lower' THEN m.value ELSE -m.value END)::int AS rank,
              count(*) OVER (PARTITION BY m.month)::int AS of
         FROM scope_monthly m
         JOIN area a ON a.id = m.scope_id AND a.district_id = $1
         JOIN metric mt ON mt.id = m.metric_id
        WHERE m.metric_id = $3 AND m.valid AND m.month BETWEEN $4::date AND $5::date
     )
     SELECT month, scope_id, value, rank, of FROM ranked WHERE scope_id = $2 ORDER BY month`,
    [q.districtId, q.areaId, q.metricId, `${q.fromMonth}-01`, `${q.toMonth}-01`],
  );
  return rows;
}

/** City-wide (全市) monthly ranks of the area as the city published them (city_ranking, 002:2404-2451). */
export async function readCityRanks(
  db: Queryable,
  q: { areaId: string; from: string; to: string },
): Promise<{ metric_id: string; month: string; rank: number; n_ranked: number }[]> {
  const { rows } = await db.query<{ metric_id: string; month: string; rank: number; n_ranked: number }>(
    `SELECT metric_id, to_char(period_start, 'YYYY-MM') AS month, rank, n_ranked
       FROM city_ranking
      WHERE area_id = $1 AND period_kind = 'month' AND period_start BETWEEN $2::date AND $3::date
      ORDER BY metric_id, period_start`,
    [q.areaId, q.from, q.to],
  );
  return rows;
}
