/** Current target statuses (evaluation_current) and open alerts, as written by the targets and alerts engines. */
import type { Queryable } from '../../db/queryable.js';

export interface CurrentStatusRow {
  target_id: string;
  scope_id: string;
  period_key: string;
  status: 'met' | 'at_risk' | 'breached' | 'insufficient_data';
  metric_id: string;
  title_zh: string;
  title_en: string;
  value: number | null;
  threshold: number | null;
  as_of: string;
  source: string;
}

/** Statuses of the district's plan targets for the given scopes, metrics (null = all) and period keys. */
export async function readCurrentStatuses(
  db: Queryable,
  districtId: string,
  scopeIds: readonly string[],
  metricIds: readonly string[] | null,
  periodKeys: readonly string[],
): Promise<CurrentStatusRow[]> {
  const { rows } = await db.query<CurrentStatusRow>(
    `SELECT ec.target_id, ec.scope_id, ec.period_key, ec.status, t.metric_id, t.title_zh, t.title_en,
            e.value, e.threshold, e.as_of::text AS as_of, t.source
       FROM evaluation_current ec
       JOIN target t ON t.id = ec.target_id
       JOIN plan p ON p.id = t.plan_id
       JOIN evaluation e ON e.id = ec.evaluation_id
      WHERE p.district_id = $1 AND t.enabled
        AND ec.scope_id = ANY ($2) AND ($3::text[] IS NULL OR t.metric_id = ANY ($3)) AND ec.period_key = ANY ($4)
      ORDER BY ec.target_id, ec.period_key`,
    [districtId, scopeIds, metricIds, periodKeys],
  );
  return rows;
}

export interface OpenAlertRow {
  id: number;
  state: 'firing' | 'acknowledged';
  severity: 'critical' | 'warning' | 'notice';
  title_zh: string;
  title_en: string;
  scope_id: string | null;
  scope_name_zh: string | null;
  scope_name_en: string | null;
  opened_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
}

/**
 * Alerts open at report time that concern the district: scoped to it, to one of its streets/towns or
 * sites, or raised by one of its plan targets. Worst severity first.
 */
export async function readOpenAlerts(db: Queryable, districtId: string): Promise<OpenAlertRow[]> {
  const { rows } = await db.query<OpenAlertRow>(
    `SELECT a.id, a.state, a.severity, a.title_zh, a.title_en, a.scope_id,
            coalesce(ar.short_zh, s.name_zh, d.name_zh) AS scope_name_zh,
            coalesce(ar.name_en, s.name_en, d.name_en) AS scope_name_en,
            a.opened_at, a.acknowledged_at, a.acknowledged_by
       FROM alert a
       LEFT JOIN target t ON t.id = a.target_id
       LEFT JOIN plan p ON p.id = t.plan_id
       LEFT JOIN area ar ON ar.id = a.scope_id
       LEFT JOIN site s ON s.id = a.scope_id
       LEFT JOIN district d ON d.id = a.scope_id
      WHERE a.state IN ('firing', 'acknowledged')
        AND (p.district_id = $1
             OR a.district_id = $1
             OR a.scope_id = $1
             OR a.scope_id IN (SELECT id FROM area WHERE district_id = $1)
             OR a.scope_id IN (SELECT id FROM site WHERE district_id = $1))
      ORDER BY CASE a.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, a.opened_at`,
    [districtId],
  );
  return rows;
}
