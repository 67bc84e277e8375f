/**
 * Manual-entry indicators (issue 16 item 4): the targets of rule kind reported_value, each with the scope a
 * value is for and the unit that reports it, and the values themselves (manual_indicator_value). This folder
 * is the only writer of manual_indicator_value. One function per statement.
 *
 * Who reports: for a district-scoped target its first main unit (区住房城乡建设委, 区水务局 …); for a street/town
 * scope (each_area, areas) that street/town's government unit — "街道乡镇对上账施工工地的月检查率" (001:520) is
 * each town's own figure.
 */
import type { Queryable } from '../../db/queryable.js';
import type { Reporter } from '../reporter.js';

export const REPORTED_RULE_KIND = 'reported_value';

export interface IndicatorRow {
  target_id: string;
  plan_id: string;
  row_no: string | null;
  title_zh: string;
  title_en: string;
  source: string;
  period_kind: 'year' | 'quarter' | 'month';
  period_year: number;
  metric_id: string;
  metric_zh: string;
  metric_en: string;
  unit: string;
  unit_zh: string;
  decimals: number;
  plausible_min: number | null;
  plausible_max: number | null;
  min: number | null;
  max: number | null;
  scope_id: string;
  scope_zh: string;
  unit_id: string;
  unit_name_zh: string;
}

/**
 * Every (indicator target, scope) a unit reports, or every one when unitId is null, for targets whose year
 * is `year` (a month's form shows that year's indicators).
 */
export async function listIndicators(
  db: Queryable,
  f: { unitId: string | null; year: number; targetId?: string | null },
): Promise<IndicatorRow[]> {
  const { rows } = await db.query<IndicatorRow>(
    `WITH t AS (
       SELECT t.*, p.district_id FROM target t JOIN plan p ON p.id = t.plan_id
        WHERE t.enabled AND t.rule_kind = $1 AND t.period_year = $3 AND ($4::text IS NULL OR t.id = $4)
     ),
     scoped AS (
       SELECT t.id, d.id AS scope_id, d.name_zh AS scope_zh, t.main_unit_ids[1] AS unit_id
         FROM t JOIN district d ON d.id = t.district_id WHERE t.scope_kind = 'district'
       UNION ALL
       SELECT t.id, a.id, a.short_zh, u.id
         FROM t JOIN area a ON a.district_id = t.district_id
         JOIN unit u ON u.kind = 'area' AND u.area_id = a.id
        WHERE (t.scope_kind = 'each_area' AND (cardinality(t.scope_ids) = 0 OR a.id = ANY (t.scope_ids))
               OR t.scope_kind = 'areas' AND a.id = ANY (t.scope_ids))
          AND a.valid_from <= make_date($3, 12, 31) AND (a.valid_to IS NULL OR a.valid_to >= make_date($3, 1, 1))
     )
     SELECT t.id AS target_id, t.plan_id, t.row_no, t.title_zh, t.title_en, t.source, t.period_kind, t.period_year,
            m.id AS metric_id, m.name_zh AS metric_zh, m.name_en AS metric_en, m.unit, m.unit_zh, m.decimals,
            m.plausible_min, m.plausible_max,
            (t.params->>'min')::float8 AS min, (t.params->>'max')::float8 AS max,
            s.scope_id, s.scope_zh, s.unit_id, u.name_zh AS unit_name_zh
       FROM t JOIN scoped s ON s.id = t.id
       JOIN metric m ON m.id = t.metric_id
       JOIN unit u ON u.id = s.unit_id
      WHERE $2::text IS NULL OR s.unit_id = $2
      ORDER BY t.plan_id, t.id, s.scope_id`,
    [REPORTED_RULE_KIND, f.unitId, f.year, f.targetId ?? null],
  );
  return rows;
}

export interface IndicatorValueRow {
  metric_id: string;
  scope_id: string;
  month: string;
  value: number;
  unit_id: string;
  note: string;
  reported_by: string;
  reported_via: string;
  reported_at: Date;
}

const VALUE_COLUMNS = `metric_id, scope_id, month::text AS month, value, unit_id, note, reported_by, reported_via,
  reported_at`;

/** The values of `month` (and, for each key without one, the latest earlier value: the form's hint). */
export async function readIndicatorValues(
  db: Queryable,
  q: { keys: readonly { metricId: string; scopeId: string }[]; month: string },
): Promise<IndicatorValueRow[]> {
  if (q.keys.length === 0) return [];
  const { rows } = await db.query<IndicatorValueRow>(
    `SELECT DISTINCT ON (v.metric_id, v.scope_id) ${VALUE_COLUMNS}
       FROM manual_indicator_value v
       JOIN unnest($1::text[], $2::text[]) AS k(metric_id, scope_id) USING (metric_id, scope_id)
      WHERE v.month <= $3
      ORDER BY v.metric_id, v.scope_id, v.month DESC`,
    [q.keys.map((k) => k.metricId), q.keys.map((k) => k.scopeId), q.month],
  );
  return rows;
}

export async function findIndicatorValue(
  db: Queryable,
  key: { metricId: string; scopeId: string; month: string },
): Promise<IndicatorValueRow | null> {
  const { rows } = await db.query<IndicatorValueRow>(
    `SELECT ${VALUE_COLUMNS} FROM manual_indicator_value
      WHERE metric_id = $1 AND scope_id = $2 AND month = $3 FOR UPDATE`,
    [key.metricId, key.scopeId, key.month],
  );
  return rows[0] ?? null;
}

export interface IndicatorValueWrite extends Reporter {
  metricId: string;
  scopeId: string;
  month: string;
  value: number;
  unitId: string;
  note: string;
}

/**
 * Stores a value and, in the same statement, queues its (scope, metric, month) for evaluation — the way
 * ingest hands rankings to the targets — so a crash between the two cannot leave a value never judged.
 */
export async function upsertIndicatorValue(
  db: Queryable,
  w: IndicatorValueWrite,
): Promise<IndicatorValueRow> {
  const { rows } = await db.query<IndicatorValueRow>(
    `WITH written AS (
       INSERT INTO manual_indicator_value AS v (metric_id, scope_id, month, value, unit_id, note, reported_by,
         reported_by_id, reported_via, reported_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
       ON CONFLICT (metric_id, scope_id, month) DO UPDATE SET value = EXCLUDED.value, unit_id = EXCLUDED.unit_id,
         note = EXCLUDED.note, reported_by = EXCLUDED.reported_by, reported_by_id = EXCLUDED.reported_by_id,
         reported_via = EXCLUDED.reported_via, reported_at = now()
       RETURNING ${VALUE_COLUMNS}
     ),
     queued AS (
       INSERT INTO evaluation_queue (scope_id, metric_id, day)
       SELECT scope_id, metric_id, month::date FROM written
       ON CONFLICT (scope_id, metric_id, day) DO UPDATE SET queued_at = now()
     )
     SELECT * FROM written`,
    [w.metricId, w.scopeId, w.month, w.value, w.unitId, w.note, w.reportedBy, w.reportedById, w.via],
  );
  return rows[0]!;
}

/** The current verdict of each (target, scope, period), for the form to show beside the value. */
export async function readIndicatorStatuses(
  db: Queryable,
  keys: readonly { targetId: string; scopeId: string; periodKey: string }[],
): Promise<{ target_id: string; scope_id: string; period_key: string; status: string }[]> {
  if (keys.length === 0) return [];
  const { rows } = await db.query<{
    target_id: string;
    scope_id: string;
    period_key: string;
    status: string;
  }>(
    `SELECT c.target_id, c.scope_id, c.period_key, c.status
       FROM evaluation_current c
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(target_id, scope_id, period_key)
         USING (target_id, scope_id, period_key)`,
    [keys.map((k) => k.targetId), keys.map((k) => k.scopeId), keys.map((k) => k.periodKey)],
  );
  return rows;
}
