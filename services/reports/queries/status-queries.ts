/** Target statuses (from the evaluation history) and open alerts, as written by the targets and alerts engines. */
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

/**
 * Statuses of the district's plan targets for the given scopes, metrics (null = all) and period keys, as
 * the evaluation stood at the end of `asOf` (the report month's last day): for each target, scope and
 * period the latest evaluation whose data reach no further than that day. A past month regenerated in
 * December shows the statuses officials saw for that month, not the year-end ones in evaluation_current.
 * An audited re-evaluation of the same day (a later evaluated_at) supersedes the provisional one.
 */
export async function readStatusesAsOf(
  db: Queryable,
  districtId: string,
  scopeIds: readonly string[],
  metricIds: readonly string[] | null,
  periodKeys: readonly string[],
  asOf: string,
): Promise<CurrentStatusRow[]> {
  const { rows } = await db.query<CurrentStatusRow>(
    `SELECT * FROM (
       SELECT DISTINCT ON (e.target_id, e.scope_id, e.period_key)
              e.target_id, e.scope_id, e.period_key, e.status, t.metric_id, t.title_zh, t.title_en,
              e.value, e.threshold, e.as_of::text AS as_of, t.source
         FROM evaluation e
         JOIN target t ON t.id = e.target_id
         JOIN plan p ON p.id = t.plan_id
        WHERE p.district_id = $1 AND t.enabled
          AND e.scope_id = ANY ($2) AND ($3::text[] IS NULL OR t.metric_id = ANY ($3)) AND e.period_key = ANY ($4)
          AND e.as_of <= $5::date
        ORDER BY e.target_id, e.scope_id, e.period_key, e.as_of DESC, e.evaluated_at DESC, e.id DESC
     ) s
     ORDER BY target_id, period_key, scope_id`,
    [districtId, scopeIds, metricIds, periodKeys, asOf],
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
 * Alerts that concern the district — scoped to it, to one of its streets/towns or sites, or raised by one of
 * its plan targets — and were open at `at` (the instant the report month ends), in the state they had then:
 * a past month regenerated later lists that month's open alerts, not today's. The state at `at` comes from
 * the alert's history (alert_event: opened, reopened, acknowledged, resolved, closed); an alert without any
 * event (written before the history existed) falls back to its own timestamps. Worst severity first.
 */
export async function readOpenAlertsAsOf(
  db: Queryable,
  districtId: string,
  at: Date,
): Promise<OpenAlertRow[]> {
  const { rows } = await db.query<OpenAlertRow>(
    `SELECT a.id, x.state, a.severity, a.title_zh, a.title_en, a.scope_id,
            coalesce(ar.short_zh, s.name_zh, d.name_zh) AS scope_name_zh,
            coalesce(ar.name_en, s.name_en, d.name_en) AS scope_name_en,
            a.opened_at, x.acknowledged_at, x.acknowledged_by
       FROM alert a
       LEFT JOIN LATERAL (
         SELECT e.kind, e.at, e.actor FROM alert_event e
          WHERE e.alert_id = a.id AND e.at < $2
            AND e.kind IN ('opened', 'reopened', 'acknowledged', 'resolved', 'closed')
          ORDER BY e.at DESC, e.id DESC LIMIT 1) ev ON true
       CROSS JOIN LATERAL (
         SELECT CASE
                  WHEN ev.kind IS NOT NULL THEN
                    CASE ev.kind WHEN 'acknowledged' THEN 'acknowledged'
                                 WHEN 'opened' THEN 'firing' WHEN 'reopened' THEN 'firing' END
                  WHEN EXISTS (SELECT 1 FROM alert_event e WHERE e.alert_id = a.id) THEN NULL
                  -- No history: a resolved or closed alert without its timestamp is taken as ended by then.
                  WHEN a.state IN ('resolved', 'closed')
                   AND coalesce(least(a.resolved_at, a.closed_at), '-infinity') <= $2 THEN NULL
                  WHEN a.acknowledged_at < $2 THEN 'acknowledged'
                  ELSE 'firing'
                END AS state,
                CASE WHEN ev.kind = 'acknowledged' THEN ev.at
                     WHEN ev.kind IS NULL AND a.acknowledged_at < $2 THEN a.acknowledged_at END AS acknowledged_at,
                CASE WHEN ev.kind = 'acknowledged' THEN coalesce(ev.actor, a.acknowledged_by)
                     WHEN ev.kind IS NULL AND a.acknowledged_at < $2 THEN a.acknowledged_by END AS acknowledged_by
       ) x
       LEFT JOIN target t ON t.id = a.target_id
       LEFT JOIN plan p ON p.id = t.plan_id
       LEFT JOIN area ar ON ar.id = a.scope_id
       LEFT JOIN site s ON s.id = a.scope_id
       LEFT JOIN district d ON d.id = a.scope_id
      WHERE a.opened_at < $2 AND x.state IS NOT NULL
        AND (p.district_id = $1
             OR a.district_id = $1
             OR a.scope_id = $1
             OR a.scope_id IN (SELECT id FROM area WHERE district_id = $1)
             OR a.scope_id IN (SELECT id FROM site WHERE district_id = $1))
      ORDER BY CASE a.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, a.opened_at, a.id`,
    [districtId, at],
  );
  return rows;
}
