/**
 * Storing evaluations, set-based: one statement writes every new evaluation of a run, moves
 * evaluation_current and reports which (target, scope, period) changed status. An evaluation identical to the
 * current one (the same fingerprintOf: as_of, status, value, threshold, coverage, version and explanation) is
 * not stored again, so the history holds what changed, not every sweep.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/queryable.js';
import type { EvaluationStatus, RuleResult } from '../rules/rule-kind.js';
import { resultIdentity } from '../rules/result-identity.js';

export interface EvaluationRow {
  targetId: string;
  scopeId: string;
  periodKey: string;
  result: RuleResult;
}

export interface StoredEvaluation {
  evaluationId: number;
  targetId: string;
  scopeId: string;
  periodKey: string;
  status: EvaluationStatus;
  previousStatus: EvaluationStatus | null;
}

/** What makes two evaluations the same for the history: the result's identity (rules/result-identity.ts). */
export function fingerprintOf(r: RuleResult): string {
  return createHash('sha1')
    .update(JSON.stringify(resultIdentity(r)))
    .digest('base64url');
}

/** The current fingerprints of the given targets' evaluations, keyed `target|scope|period`. */
export async function currentFingerprints(
  db: Queryable,
  targetIds: readonly string[],
): Promise<Map<string, string>> {
  const { rows } = await db.query<{ k: string; fingerprint: string | null }>(
    `SELECT target_id || '|' || scope_id || '|' || period_key AS k, fingerprint
       FROM evaluation_current WHERE target_id = ANY ($1)`,
    [targetIds],
  );
  return new Map(rows.filter((r) => r.fingerprint !== null).map((r) => [r.k, r.fingerprint!]));
}

/** Stores the rows that differ from the current evaluation (see currentFingerprints). */
export async function storeEvaluations(
  db: Queryable,
  rows: readonly EvaluationRow[],
): Promise<StoredEvaluation[]> {
  if (rows.length === 0) return [];
  const { rows: stored } = await db.query<{
    id: number;
    target_id: string;
    scope_id: string;
    period_key: string;
    status: EvaluationStatus;
    previous_status: EvaluationStatus | null;
  }>(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(target_id text, scope_id text, period_key text, as_of date,
         status text, final boolean, value float8, threshold float8, coverage float8, data_version text,
         explanation_zh text, explanation_en text, details jsonb, fingerprint text)
     ),
     cur AS (
       SELECT c.target_id, c.scope_id, c.period_key, c.status, c.fingerprint
         FROM evaluation_current c
         JOIN input i USING (target_id, scope_id, period_key)
          FOR UPDATE OF c
     ),
     fresh AS (
       SELECT i.* FROM input i LEFT JOIN cur c USING (target_id, scope_id, period_key)
        WHERE c.target_id IS NULL OR c.fingerprint IS DISTINCT FROM i.fingerprint
     ),
     ins AS (
       INSERT INTO evaluation (target_id, scope_id, period_key, as_of, status, final, value, threshold, coverage,
         data_version, explanation_zh, explanation_en, details)
       SELECT target_id, scope_id, period_key, as_of, status, final, value, threshold, coverage, data_version,
              explanation_zh, explanation_en, details
         FROM fresh
       RETURNING id, target_id, scope_id, period_key, status
     ),
     ins_fp AS (
       SELECT ins.*, f.fingerprint FROM ins JOIN fresh f USING (target_id, scope_id, period_key)
     ),
     up AS (
       INSERT INTO evaluation_current (target_id, scope_id, period_key, evaluation_id, status, previous_status,
         status_since, fingerprint)
       SELECT target_id, scope_id, period_key, id, status, NULL, now(), fingerprint FROM ins_fp
       ON CONFLICT (target_id, scope_id, period_key) DO UPDATE
         SET evaluation_id = EXCLUDED.evaluation_id, updated_at = now(), fingerprint = EXCLUDED.fingerprint,
             previous_status = CASE WHEN evaluation_current.status <> EXCLUDED.status
                                    THEN evaluation_current.status ELSE evaluation_current.previous_status END,
             status_since = CASE WHEN evaluation_current.status <> EXCLUDED.status
                                 THEN now() ELSE evaluation_current.status_since END,
             status = EXCLUDED.status
     )
     SELECT ins.id, ins.target_id, ins.scope_id, ins.period_key, ins.status, c.status AS previous_status
       FROM ins LEFT JOIN cur c USING (target_id, scope_id, period_key)`,
    [
      JSON.stringify(
        rows.map((r) => ({
          target_id: r.targetId,
          scope_id: r.scopeId,
          period_key: r.periodKey,
          as_of: r.result.asOf,
          status: r.result.status,
          final: r.result.final,
          value: finite(r.result.value),
          threshold: finite(r.result.threshold),
          coverage: finite(r.result.coverage),
          data_version: r.result.dataVersion,
          explanation_zh: r.result.explanationZh,
          explanation_en: r.result.explanationEn,
          details: r.result.details,
          fingerprint: fingerprintOf(r.result),
        })),
      ),
    ],
  );
  return stored.map((s) => ({
    evaluationId: s.id,
    targetId: s.target_id,
    scopeId: s.scope_id,
    periodKey: s.period_key,
    status: s.status,
    previousStatus: s.previous_status,
  }));
}

/** JSON has no NaN or Infinity; a value that is not a finite number is stored as NULL. */
function finite(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

/**
 * The alerts module acts on stored transitions. A first evaluation is a transition only when it already
 * needs attention: a first "met" or "insufficient_data" has no alert to open or resolve.
 */
export function isTransition(s: StoredEvaluation): boolean {
  if (s.previousStatus === null) return s.status === 'at_risk' || s.status === 'breached';
  return s.previousStatus !== s.status;
}
