/** Plans, targets and evaluations: one named function per statement. */
import type { Queryable } from '../db/queryable.js';
import type { RuleResult } from '../rules/rule-kind.js';
import type { PlanFile, TargetDefinition } from './target-definition.js';

const PERIOD_KIND: Record<TargetDefinition['period'], string> = {
  year: 'year',
  q1: 'quarter',
  quarter: 'quarter',
  month: 'month',
};

export async function upsertPlanFile(db: Queryable, file: PlanFile): Promise<number> {
  const p = file.plan;
  await db.query(
    `INSERT INTO plan (id, district_id, year, name_zh, name_en, document_no, issued_on, source)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO UPDATE SET district_id = $2, year = $3, name_zh = $4, name_en = $5,
       document_no = $6, issued_on = $7, source = $8`,
    [p.id, p.district, p.year, p.name_zh, p.name_en, p.document_no ?? null, p.issued_on ?? null, p.source ?? null],
  );
  for (const t of file.targets) {
    await db.query(
      `INSERT INTO target (id, plan_id, row_no, clause_zh, title_zh, title_en, metric_id, scope_kind, scope_ids,
         period_kind, rule_kind, params, strictness, exclude_sand_dust, deadline_zh, deadline,
         lead_official_ids, main_unit_ids, assist_unit_ids, source, enabled, definition, loaded_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22, now())
       ON CONFLICT (id) DO UPDATE SET plan_id = $2, row_no = $3, clause_zh = $4, title_zh = $5, title_en = $6,
         metric_id = $7, scope_kind = $8, scope_ids = $9, period_kind = $10, rule_kind = $11, params = $12,
         strictness = $13, exclude_sand_dust = $14, deadline_zh = $15, deadline = $16, lead_official_ids = $17,
         main_unit_ids = $18, assist_unit_ids = $19, source = $20, enabled = $21, definition = $22, loaded_at = now()`,
      [
        t.id, p.id, t.row ?? null, t.clause_zh, t.title_zh, t.title_en, t.metric, t.scope.kind, t.scope.ids,
        PERIOD_KIND[t.period], t.rule.kind, JSON.stringify(t.rule), t.strictness, t.exclude_sand_dust,
        t.deadline_zh ?? null, t.deadline ?? null, t.lead_officials, t.main_units, t.assist_units, t.source,
        t.enabled, JSON.stringify({ ...t, plan_year: p.year, district: p.district }),
      ],
    );
  }
  return file.targets.length;
}

export interface StoredTarget {
  definition: TargetDefinition & { plan_year: number; district: string };
}

/** Enabled targets on `metric` whose plan year is `year`. */
export async function listTargetsForMetricYear(db: Queryable, metricId: string, year: number): Promise<StoredTarget[]> {
  const { rows } = await db.query<StoredTarget>(
    `SELECT t.definition FROM target t JOIN plan p ON p.id = t.plan_id
      WHERE t.enabled AND t.metric_id = $1 AND p.year = $2 ORDER BY t.id`,
    [metricId, year],
  );
  return rows;
}

export interface StoredEvaluation {
  evaluationId: number;
  previousStatus: string | null;
  changed: boolean;
}

/** Records an evaluation and moves evaluation_current; `changed` when the status differs from before. */
export async function recordEvaluation(
  db: Queryable,
  key: { targetId: string; scopeId: string; periodKey: string; asOf: string },
  r: RuleResult,
): Promise<StoredEvaluation> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO evaluation (target_id, scope_id, period_key, as_of, status, value, threshold, coverage,
       data_version, explanation_zh, explanation_en, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [
      key.targetId, key.scopeId, key.periodKey, key.asOf, r.status, r.value, r.threshold, r.coverage,
      r.dataVersion, r.explanationZh, r.explanationEn, JSON.stringify(r.details),
    ],
  );
  const evaluationId = rows[0]!.id;
  const { rows: cur } = await db.query<{ previous_status: string | null; changed: boolean }>(
    `WITH prev AS (
       SELECT status FROM evaluation_current WHERE target_id = $1 AND scope_id = $2 AND period_key = $3 FOR UPDATE
     ), up AS (
       INSERT INTO evaluation_current (target_id, scope_id, period_key, evaluation_id, status, previous_status, status_since)
       VALUES ($1, $2, $3, $4, $5, NULL, now())
       ON CONFLICT (target_id, scope_id, period_key) DO UPDATE
         SET evaluation_id = EXCLUDED.evaluation_id, updated_at = now(),
             previous_status = CASE WHEN evaluation_current.status <> EXCLUDED.status THEN evaluation_current.status ELSE evaluation_current.previous_status END,
             status_since = CASE WHEN evaluation_current.status <> EXCLUDED.status THEN now() ELSE evaluation_current.status_since END,
             status = EXCLUDED.status
       RETURNING status
     )
     SELECT (SELECT status FROM prev) AS previous_status,
            (SELECT status FROM prev) IS DISTINCT FROM $5 AS changed`,
    [key.targetId, key.scopeId, key.periodKey, evaluationId, r.status],
  );
  return { evaluationId, previousStatus: cur[0]?.previous_status ?? null, changed: cur[0]?.changed ?? true };
}
