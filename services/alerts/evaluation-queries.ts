/** What the alerts module reads of the targets engine's state (evaluation, evaluation_current, target). */
import type { EscalationOverride } from './escalation.js';
import type { Queryable } from '../db/queryable.js';

export interface EvaluationKey {
  target_id: string;
  scope_id: string;
  period_key: string;
}

/**
 * The key an evaluation belongs to, with the alert key's transaction lock taken in the same round trip
 * (alertLockKey must match lockAlertKey in alert-queries.ts: every writer of one alert serialises on it).
 */
export async function lockEvaluationKey(db: Queryable, evaluationId: number): Promise<EvaluationKey | null> {
  const { rows } = await db.query<EvaluationKey & { locked: unknown }>(
    `SELECT target_id, scope_id, period_key,
            pg_advisory_xact_lock(hashtext('envwatch:alert:' || 'target|' || target_id || '|' || scope_id || '|' || period_key)) AS locked
       FROM evaluation WHERE id = $1`,
    [evaluationId],
  );
  const r = rows[0];
  return r ? { target_id: r.target_id, scope_id: r.scope_id, period_key: r.period_key } : null;
}

export interface CurrentEvaluation {
  evaluation_id: number;
  /** When the targets engine stored this verdict (the transaction's start): grouping's window opens then. */
  evaluated_at: Date;
  status: string;
  value: number | null;
  threshold: number | null;
  as_of: string;
  /** The data reached the period's last day: the verdict can no longer change (the targets engine says so). */
  final: boolean;
  explanation_zh: string;
  explanation_en: string;
  target_id: string;
  title_zh: string;
  title_en: string;
  clause_zh: string;
  source: string;
  strictness: 'hard' | 'soft';
  deadline: string | null;
  /** The year the target is for (target.period_year): the contact directory year used for routing. */
  year: number;
  district_id: string;
  unit_zh: string | null;
  unit_en: string | null;
  scope_zh: string;
  scope_en: string;
  lead_official_ids: string[];
  main_unit_ids: string[];
  assist_unit_ids: string[];
  /** The plan's/target's own escalation chain (targets YAML), null for the global settings. */
  escalation: EscalationOverride | null;
}

/**
 * The latest evaluation of a key — not necessarily the one a message named: jobs may run out of order,
 * and the alert must follow the newest state of the data.
 */
export async function currentEvaluation(db: Queryable, k: EvaluationKey): Promise<CurrentEvaluation | null> {
  const { rows } = await db.query<CurrentEvaluation>(
    `SELECT e.id AS evaluation_id, e.evaluated_at, e.status, e.value, e.threshold, e.as_of::text AS as_of, e.final, e.explanation_zh,
            e.explanation_en, t.id AS target_id, t.title_zh, t.title_en, t.clause_zh, t.source, t.strictness,
            t.deadline::text AS deadline, t.period_year AS year, p.district_id, m.unit_zh, m.unit AS unit_en,
            t.lead_official_ids, t.main_unit_ids, t.assist_unit_ids, t.definition->'escalation' AS escalation,
            coalesce(a.short_zh, d.name_zh, s.name_zh, c.scope_id) AS scope_zh,
            coalesce(a.name_en, d.name_en, s.name_en, c.scope_id) AS scope_en
       FROM evaluation_current c
       JOIN evaluation e ON e.id = c.evaluation_id
       JOIN target t ON t.id = c.target_id
       JOIN plan p ON p.id = t.plan_id
       LEFT JOIN metric m ON m.id = t.metric_id
       LEFT JOIN area a ON a.id = c.scope_id
       LEFT JOIN district d ON d.id = c.scope_id
       LEFT JOIN site s ON s.id = c.scope_id
      WHERE c.target_id = $1 AND c.scope_id = $2 AND c.period_key = $3`,
    [k.target_id, k.scope_id, k.period_key],
  );
  return rows[0] ?? null;
}

/**
 * Hysteresis input: distinct data days evaluated 'met' since the last at_risk/breached evaluation. Days,
 * not evaluations: re-running the same day's data must not count twice.
 */
export async function metDaysSinceProblem(db: Queryable, k: EvaluationKey): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(DISTINCT as_of)::int AS n FROM evaluation
      WHERE target_id = $1 AND scope_id = $2 AND period_key = $3 AND status = 'met'
        AND id > coalesce((SELECT max(id) FROM evaluation
                            WHERE target_id = $1 AND scope_id = $2 AND period_key = $3
                              AND status IN ('at_risk', 'breached')), 0)`,
    [k.target_id, k.scope_id, k.period_key],
  );
  return rows[0]!.n;
}

export interface TargetRoutingRow {
  lead_official_ids: string[];
  main_unit_ids: string[];
  assist_unit_ids: string[];
  district_id: string;
  year: number;
  escalation: EscalationOverride | null;
}

export async function targetRouting(db: Queryable, targetId: string): Promise<TargetRoutingRow | null> {
  const { rows } = await db.query<TargetRoutingRow>(
    `SELECT t.lead_official_ids, t.main_unit_ids, t.assist_unit_ids, p.district_id, t.period_year AS year,
            t.definition->'escalation' AS escalation
       FROM target t JOIN plan p ON p.id = t.plan_id WHERE t.id = $1`,
    [targetId],
  );
  return rows[0] ?? null;
}

/** Open target alerts whose latest evaluation is 'met': candidates for resolution (hysteresis). */
export async function recoveringTargetKeys(db: Queryable, limit: number): Promise<EvaluationKey[]> {
  const { rows } = await db.query<EvaluationKey>(
    `SELECT a.target_id, a.scope_id, a.period_key FROM alert a
       JOIN evaluation_current c ON c.target_id = a.target_id AND c.scope_id = a.scope_id AND c.period_key = a.period_key
      WHERE a.kind = 'target' AND a.state IN ('firing', 'acknowledged') AND c.status = 'met'
      ORDER BY a.id LIMIT $1`,
    [limit],
  );
  return rows;
}

/**
 * Problem verdicts (at_risk, breached) older than `before` that their alert does not reflect: no alert, a
 * resolved one, or one whose condition is another. The sync-alert job of such a transition was lost (Redis
 * restarted without persistence after the outbox relayed it): the hysteresis would open, reopen or update.
 * An alert a person closed after the verdict began is left closed.
 */
export async function unsyncedTargetKeys(
  db: Queryable,
  before: Date,
  limit: number,
): Promise<EvaluationKey[]> {
  const { rows } = await db.query<EvaluationKey>(
    `SELECT c.target_id, c.scope_id, c.period_key FROM evaluation_current c
      WHERE c.status IN ('at_risk', 'breached') AND c.status_since < $1
        AND NOT EXISTS (
          SELECT 1 FROM alert a
           WHERE a.dedupe_key = 'target|' || c.target_id || '|' || c.scope_id || '|' || c.period_key
             AND ((a.state IN ('firing', 'acknowledged') AND a.condition = c.status)
                  OR (a.state = 'closed' AND a.closed_at >= c.status_since)))
      ORDER BY c.status_since LIMIT $2`,
    [before, limit],
  );
  return rows;
}
