/**
 * Re-evaluates the targets whose inputs changed. evaluation_queue holds (scope, metric, day) keys written by
 * the rollups; they are taken in the same transaction that stores the evaluations, so a crash leaves them
 * queued. Runs are serialised by an advisory lock: two workers evaluating the same (target, scope, period)
 * at once could store an older result last.
 */
import type pg from 'pg';
import { withTransaction } from '../db/queryable.js';
import type { Logger } from '../logging.js';
import { systemClock, toShanghaiDay, type Clock } from '../time/shanghai.js';
import { planFromKeys, planSweep, type QueueKey, type SweepOptions } from './plan-work.js';
import { runEvaluations, type RunSummary } from './run-evaluations.js';
import { loadScopeIndex } from './scope-index.js';
import { listEnabledTargets } from './target-queries.js';

export interface EvaluateOptions {
  clock?: Clock;
  logger?: Logger;
  /** Queue keys per run; the job loops until the queue is empty. */
  limit?: number;
}

export interface EvaluateResult extends RunSummary {
  keys: number;
}

const LOCK = `hashtext('envwatch:evaluate-targets')`;

export async function evaluatePending(pool: pg.Pool, opts: EvaluateOptions = {}): Promise<EvaluateResult> {
  const today = toShanghaiDay((opts.clock ?? systemClock).now());
  return withTransaction(pool, async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${LOCK})`);
    const { rows: keys } = await tx.query<QueueKey>(
      // By ctid, not joined back on the key: linear whatever the queue's statistics say (store/rollups.ts).
      `DELETE FROM evaluation_queue q
        WHERE q.ctid = ANY (ARRAY(
                SELECT ctid FROM evaluation_queue ORDER BY day LIMIT $1 FOR UPDATE SKIP LOCKED))
       RETURNING q.scope_id, q.metric_id, q.day::text AS day`,
      [opts.limit ?? 50_000],
    );
    if (keys.length === 0) return { keys: 0, evaluations: 0, stored: 0, transitions: 0, failedTargets: [] };
    // One client: queries run one after another (pg deprecates overlapping queries on a client).
    const targets = await listEnabledTargets(tx);
    const index = await loadScopeIndex(tx);
    const work = planFromKeys(targets, index, keys, today);
    const summary = await runEvaluations(tx, work, index, { today, logger: opts.logger });
    return { keys: keys.length, ...summary };
  });
}

/** Evaluates every current period of every enabled target (the scheduled safety net, and `envwatch evaluate`). */
export async function sweepTargets(
  pool: pg.Pool,
  opts: Omit<EvaluateOptions, 'limit'> & SweepOptions = {},
): Promise<RunSummary> {
  const today = toShanghaiDay((opts.clock ?? systemClock).now());
  return withTransaction(pool, async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${LOCK})`);
    const targets = await listEnabledTargets(tx);
    const index = await loadScopeIndex(tx);
    const work = planSweep(targets, index, today, opts);
    return runEvaluations(tx, work, index, { today, logger: opts.logger });
  });
}
