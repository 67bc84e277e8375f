/** The statements behind the monthly 调度 report (collect-task-dispatch.ts). */
import type { Queryable } from '../../db/queryable.js';

export interface DispatchCountRow {
  plan_id: string;
  plan_zh: string;
  plan_en: string;
  document_no: string | null;
  unit_id: string;
  unit_zh: string;
  unit_en: string;
  owed: number;
  done: number;
  on_track: number;
  late: number;
  not_applicable: number;
  not_reported: number;
}

/**
 * Per plan of the district and unit: the tasks owed for the month starting `$2` by what the unit reported
 * for that month. A task not done by its due date counts as late even when its unit wrote 推进中.
 */
export async function dispatchCounts(
  db: Queryable,
  districtId: string,
  month: string,
): Promise<DispatchCountRow[]> {
  const { rows } = await db.query<DispatchCountRow>(
    `WITH cur AS (
       SELECT o.plan_id, o.unit_id, p.status,
              (o.due_on IS NOT NULL AND o.due_on < ($2::date + interval '1 month')::date - 1) AS past_due
         FROM envwatch_owed_tasks($2::date) o
         LEFT JOIN task_progress p ON p.task_id = o.task_id AND p.unit_id = o.unit_id AND p.month = $2::date
     )
     SELECT pl.id AS plan_id, pl.name_zh AS plan_zh, pl.name_en AS plan_en, pl.document_no,
            u.id AS unit_id, u.name_zh AS unit_zh, u.name_en AS unit_en,
            count(*)::int AS owed,
            count(*) FILTER (WHERE c.status = 'done')::int AS done,
            count(*) FILTER (WHERE c.status IN ('not_started', 'in_progress') AND NOT c.past_due)::int AS on_track,
            count(*) FILTER (WHERE c.status = 'late' OR (c.status IN ('not_started', 'in_progress') AND c.past_due))::int AS late,
            count(*) FILTER (WHERE c.status = 'not_applicable')::int AS not_applicable,
            count(*) FILTER (WHERE c.status IS NULL)::int AS not_reported
       FROM cur c JOIN plan pl ON pl.id = c.plan_id JOIN unit u ON u.id = c.unit_id
      WHERE pl.district_id = $1
      GROUP BY pl.id, u.id
      ORDER BY pl.year DESC, pl.id, (u.kind = 'area'), u.id`,
    [districtId, month],
  );
  return rows;
}

export interface DispatchOverdueRow {
  task_id: string;
  plan_id: string;
  key_task_zh: string;
  deadline_zh: string;
  due_on: string;
  days_overdue: number;
  main_units_zh: string[];
  lead_zh: string[];
  lead_en: string[];
  pending_zh: string[];
  pending_en: string[];
}

/**
 * Tasks of the district's plans for the month's year (and any task due within it) past their due date at
 * the month's end, with the main reporting units whose latest report up to the month is not 已完成 (nor
 * 不适用: a unit the task turned out not to concern owes nothing).
 */
export async function dispatchOverdue(
  db: Queryable,
  districtId: string,
  month: string,
): Promise<DispatchOverdueRow[]> {
  const { rows } = await db.query<DispatchOverdueRow>(
    `WITH bounds AS (SELECT ($2::date + interval '1 month')::date - 1 AS month_end),
     latest AS (
       SELECT DISTINCT ON (p.task_id, p.unit_id) p.task_id, p.unit_id, p.status
         FROM task_progress p WHERE p.month <= $2::date ORDER BY p.task_id, p.unit_id, p.month DESC
     ),
     pending AS (
       SELECT r.task_id, array_agg(u.name_zh ORDER BY r.unit_id) AS zh, array_agg(u.name_en ORDER BY r.unit_id) AS en
         FROM task_reporting_unit r JOIN unit u ON u.id = r.unit_id
         LEFT JOIN latest l ON l.task_id = r.task_id AND l.unit_id = r.unit_id
        WHERE r.role = 'main' AND coalesce(l.status, '') NOT IN ('done', 'not_applicable')
        GROUP BY r.task_id
     )
     SELECT t.id AS task_id, t.plan_id, t.key_task_zh, t.deadline_zh, t.due_on::text AS due_on,
            (b.month_end - t.due_on)::int AS days_overdue,
            coalesce((SELECT array_agg(tu.name_zh ORDER BY tu.ord) FROM task_unit tu
                       WHERE tu.task_id = t.id AND tu.role = 'main'), '{}') AS main_units_zh,
            coalesce((SELECT array_agg(o.name_zh ORDER BY x.ord) FROM unnest(t.lead_official_ids) WITH ORDINALITY x(id, ord)
                       JOIN official o ON o.id = x.id), '{}') AS lead_zh,
            coalesce((SELECT array_agg(o.name_en ORDER BY x.ord) FROM unnest(t.lead_official_ids) WITH ORDINALITY x(id, ord)
                       JOIN official o ON o.id = x.id), '{}') AS lead_en,
            pe.zh AS pending_zh, pe.en AS pending_en
       FROM task t CROSS JOIN bounds b
       JOIN plan pl ON pl.id = t.plan_id JOIN pending pe ON pe.task_id = t.id
      WHERE pl.district_id = $1 AND t.enabled AND t.deadline_kind IN ('due', 'several')
        AND t.due_on < b.month_end
        AND (pl.year = extract(year FROM $2::date) OR extract(year FROM t.due_on) = extract(year FROM $2::date))
      ORDER BY t.due_on, t.id`,
    [districtId, month],
  );
  return rows;
}

export interface DispatchIndicatorRow {
  target_id: string;
  title_zh: string;
  title_en: string;
  scope_zh: string;
  unit_zh: string;
  value: number | null;
  min: number | null;
  max: number | null;
  unit: string;
  status: string | null;
}

/**
 * The manual-entry indicators (rule kind reported_value) of the district's plans for the month starting `$2`:
 * per target and scope, the value reported for the month (the month's own for monthly targets, the latest so
 * far for yearly ones), the bound, and the current verdict of the month's (or year's) evaluation.
 */
export async function dispatchIndicators(
  db: Queryable,
  districtId: string,
  month: string,
): Promise<DispatchIndicatorRow[]> {
  const { rows } = await db.query<DispatchIndicatorRow>(
    `SELECT t.id AS target_id, t.title_zh, t.title_en,
            coalesce(a.short_zh, d.name_zh, e.scope_id) AS scope_zh,
            coalesce(u.name_zh, v.unit_id, '') AS unit_zh,
            v.value, (t.params->>'min')::float8 AS min, (t.params->>'max')::float8 AS max,
            m.unit_zh AS unit, e.status
       FROM target t JOIN plan p ON p.id = t.plan_id JOIN metric m ON m.id = t.metric_id
       JOIN evaluation_current e ON e.target_id = t.id
        AND e.period_key = CASE WHEN t.period_kind = 'month' THEN to_char($2::date, 'YYYY-MM')
                                ELSE to_char($2::date, 'YYYY') END
       LEFT JOIN area a ON a.id = e.scope_id LEFT JOIN district d ON d.id = e.scope_id
       LEFT JOIN LATERAL (
         SELECT mv.value, mv.unit_id FROM manual_indicator_value mv
          WHERE mv.metric_id = t.metric_id AND mv.scope_id = e.scope_id AND mv.month <= $2::date
            AND (t.period_kind <> 'month' OR mv.month = $2::date)
            AND mv.month >= date_trunc('year', $2::date)
          ORDER BY mv.month DESC LIMIT 1) v ON true
       LEFT JOIN unit u ON u.id = v.unit_id
      WHERE t.enabled AND t.rule_kind = 'reported_value' AND p.district_id = $1
        AND t.period_year = extract(year FROM $2::date)
      ORDER BY t.id, e.scope_id`,
    [districtId, month],
  );
  return rows;
}
