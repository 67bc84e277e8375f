/**
 * Reading target statuses — the contract with the reports and API modules: the current status of each
 * (target, scope, period) with the evaluation behind it, and the history of one key (every stored change).
 */
import type { Queryable } from '../db/queryable.js';
import type { EvaluationStatus, RuleResult } from '../rules/rule-kind.js';

/** The verdict fields are the rule's result as stored (RuleResult), plus where and when it applies. */
export interface CurrentStatusRow extends RuleResult {
  targetId: string;
  planId: string;
  metricId: string;
  titleZh: string;
  titleEn: string;
  clauseZh: string;
  strictness: 'hard' | 'soft';
  source: string;
  scopeId: string;
  periodKey: string;
  previousStatus: EvaluationStatus | null;
  statusSince: Date;
  evaluationId: number;
  evaluatedAt: Date;
}

export interface StatusFilter {
  scopeIds?: readonly string[];
  /** An exact period key: 2024, 2024-Q1, 2024-03. */
  periodKey?: string;
  targetIds?: readonly string[];
}

const COLUMNS = `
  ec.target_id AS "targetId", t.plan_id AS "planId", t.metric_id AS "metricId", t.title_zh AS "titleZh",
  t.title_en AS "titleEn", t.clause_zh AS "clauseZh", t.strictness, t.source, ec.scope_id AS "scopeId",
  ec.period_key AS "periodKey", ec.status, ec.previous_status AS "previousStatus", ec.status_since AS "statusSince",
  e.id AS "evaluationId", e.as_of::text AS "asOf", e.final, e.value, e.threshold, e.coverage,
  e.data_version AS "dataVersion", e.explanation_zh AS "explanationZh", e.explanation_en AS "explanationEn",
  e.details, e.evaluated_at AS "evaluatedAt"`;

export async function listCurrentStatus(db: Queryable, f: StatusFilter = {}): Promise<CurrentStatusRow[]> {
  const { rows } = await db.query<CurrentStatusRow>(
    `SELECT ${COLUMNS}
       FROM evaluation_current ec
       JOIN evaluation e ON e.id = ec.evaluation_id
       JOIN target t ON t.id = ec.target_id
      WHERE ($1::text[] IS NULL OR ec.scope_id = ANY ($1))
        AND ($2::text IS NULL OR ec.period_key = $2)
        AND ($3::text[] IS NULL OR ec.target_id = ANY ($3))
      ORDER BY ec.target_id, ec.scope_id, ec.period_key`,
    [f.scopeIds ?? null, f.periodKey ?? null, f.targetIds ?? null],
  );
  return rows;
}

export type HistoryRow = Pick<
  RuleResult,
  'asOf' | 'status' | 'final' | 'value' | 'threshold' | 'dataVersion' | 'explanationZh' | 'explanationEn'
> & { evaluationId: number; evaluatedAt: Date };

/** Every stored evaluation of one (target, scope, period), oldest first: how the status moved over time. */
export async function listEvaluationHistory(
  db: Queryable,
  key: { targetId: string; scopeId: string; periodKey: string },
): Promise<HistoryRow[]> {
  const { rows } = await db.query<HistoryRow>(
    `SELECT id AS "evaluationId", as_of::text AS "asOf", status, final, value, threshold, data_version AS "dataVersion",
            explanation_zh AS "explanationZh", explanation_en AS "explanationEn", evaluated_at AS "evaluatedAt"
       FROM evaluation
      WHERE target_id = $1 AND scope_id = $2 AND period_key = $3
      ORDER BY evaluated_at, id`,
    [key.targetId, key.scopeId, key.periodKey],
  );
  return rows;
}
