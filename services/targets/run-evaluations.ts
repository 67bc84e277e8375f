/**
 * Runs the planned work inside the caller's transaction: one rule call per target (all its scopes and
 * periods at once), one statement to store every result, and for each status transition an outbox message
 * `sync-alert` for the alerts module — in the same transaction, so a stored transition and its alert work
 * commit together or not at all. A target whose rule fails is rolled back to a savepoint, logged and
 * reported; the other targets are still evaluated.
 */
import type { Logger } from '../logging.js';
import type { Queryable } from '../db/queryable.js';
import { errorMessage } from '../errors.js';
import { syncAlertOutbox } from '../outbox/messages.js';
import { writeOutbox } from '../outbox/outbox.js';
import { ruleOf } from '../rules/index.js';
import type { LoadedTarget, RuleItem } from '../rules/rule-kind.js';
import {
  currentFingerprints,
  fingerprintOf,
  isTransition,
  storeEvaluations,
  type EvaluationRow,
} from './evaluation-queries.js';
import type { WorkItem } from './plan-work.js';
import type { ScopeIndex } from './scope-index.js';

export interface RunSummary {
  evaluations: number;
  stored: number;
  transitions: number;
  failedTargets: string[];
}

export async function runEvaluations(
  tx: Queryable,
  work: readonly WorkItem[],
  index: ScopeIndex,
  opts: { today: string; logger?: Logger },
): Promise<RunSummary> {
  const byTarget = new Map<string, { target: LoadedTarget; items: WorkItem[] }>();
  for (const w of work) {
    const entry = byTarget.get(w.target.id) ?? { target: w.target, items: [] };
    entry.items.push(w);
    byTarget.set(w.target.id, entry);
  }
  const rows: EvaluationRow[] = [];
  const failedTargets: string[] = [];
  for (const { target, items } of byTarget.values()) {
    // A savepoint per target, never released: re-using the name stacks them, ROLLBACK TO undoes only the
    // latest, and a RELEASE would cost a round trip per target for nothing.
    await tx.query('SAVEPOINT evaluate_target');
    const started = performance.now();
    try {
      const rule = ruleOf(target.definition.rule);
      if (!rule) throw new Error(`unknown rule kind ${target.definition.rule.kind}`);
      const ruleItems: RuleItem[] = items.map((w) => ({
        scopeId: w.scopeId,
        period: w.period,
        until: w.period.to < opts.today ? w.period.to : opts.today,
      }));
      const results = await rule.kind.evaluate(
        {
          db: tx,
          target,
          scopes: index,
          scopesOf: (period) => index.resolve(target.definition, target.district, period),
        },
        rule.params,
        ruleItems,
      );
      results.forEach((result, i) =>
        rows.push({
          targetId: target.id,
          scopeId: items[i]!.scopeId,
          periodKey: items[i]!.period.key,
          result,
        }),
      );
      opts.logger?.debug(
        { targetId: target.id, items: items.length, ms: Math.round(performance.now() - started) },
        'target evaluated',
      );
    } catch (err) {
      await tx.query('ROLLBACK TO SAVEPOINT evaluate_target');
      failedTargets.push(target.id);
      opts.logger?.error(
        { targetId: target.id, items: items.length, err: errorMessage(err) },
        'target evaluation failed',
      );
    }
  }
  const storing = performance.now();
  // Most of a sweep repeats what is stored already: compare fingerprints here and send only the changes.
  const current = await currentFingerprints(tx, [...byTarget.keys()]);
  const changed = rows.filter(
    (r) => current.get(`${r.targetId}|${r.scopeId}|${r.periodKey}`) !== fingerprintOf(r.result),
  );
  const stored = await storeEvaluations(tx, changed);
  opts.logger?.debug(
    { rows: rows.length, stored: stored.length, ms: Math.round(performance.now() - storing) },
    'evaluations stored',
  );
  const transitions = stored.filter(isTransition);
  await writeOutbox(
    tx,
    transitions.map((s) => syncAlertOutbox(s.evaluationId)),
  );
  return { evaluations: rows.length, stored: stored.length, transitions: transitions.length, failedTargets };
}
