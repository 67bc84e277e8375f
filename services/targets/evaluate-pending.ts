/**
 * Re-evaluates the targets whose inputs changed. evaluation_queue holds (scope, metric, day) keys written
 * by the rollups; each key maps to the targets on that metric whose plan year contains the day and whose
 * scope includes the scope. Keys are taken in the same transaction that stores the evaluations, so a crash
 * leaves them queued. A status change writes an outbox message for the alerts module in that transaction.
 */
import type pg from 'pg';
import { withTransaction, type Queryable } from '../db/queryable.js';
import { writeOutbox } from '../outbox/outbox.js';
import { RULE_KINDS } from '../rules/index.js';
import { parsePeriod, type Period } from '../time/periods.js';
import { listTargetsForMetricYear, recordEvaluation, type StoredTarget } from './target-queries.js';

export interface EvaluateResult {
  keys: number;
  evaluations: number;
  transitions: number;
}

export async function evaluatePending(pool: pg.Pool, limit = 20_000): Promise<EvaluateResult> {
  return withTransaction(pool, async (tx) => {
    const { rows: keys } = await tx.query<{ scope_id: string; metric_id: string; day: string }>(
      `DELETE FROM evaluation_queue q USING (
         SELECT scope_id, metric_id, day FROM evaluation_queue ORDER BY day LIMIT $1 FOR UPDATE SKIP LOCKED) pick
       WHERE q.scope_id = pick.scope_id AND q.metric_id = pick.metric_id AND q.day = pick.day
       RETURNING q.scope_id, q.metric_id, q.day::text AS day`,
      [limit],
    );
    const work = await plan(tx, keys);
    let transitions = 0;
    for (const w of work.values()) {
      const rule = RULE_KINDS[w.target.definition.rule.kind];
      if (!rule) continue;
      const { kind: _k, ...params } = w.target.definition.rule;
      const asOf = await lastDataDay(tx, w.scopeId, w.target.definition.metric, w.period);
      if (!asOf) continue;
      const result = await rule.evaluate(
        { db: tx, target: w.target.definition, scopeId: w.scopeId, period: w.period, asOf },
        rule.params.parse(params) as never,
      );
      const stored = await recordEvaluation(
        tx,
        { targetId: w.target.definition.id, scopeId: w.scopeId, periodKey: w.period.key, asOf },
        result,
      );
      if (stored.changed) {
        transitions += 1;
        await writeOutbox(tx, [
          {
            queue: 'alerts',
            jobName: 'sync-alert',
            jobId: `sync-alert__${stored.evaluationId}`,
            payload: { evaluationId: stored.evaluationId },
          },
        ]);
      }
    }
    return { keys: keys.length, evaluations: work.size, transitions };
  });
}

interface Work {
  target: StoredTarget;
  scopeId: string;
  period: Period;
}

async function plan(db: Queryable, keys: { scope_id: string; metric_id: string; day: string }[]): Promise<Map<string, Work>> {
  const work = new Map<string, Work>();
  const cache = new Map<string, StoredTarget[]>();
  for (const k of keys) {
    const year = Number(k.day.slice(0, 4));
    const ck = `${k.metric_id}|${year}`;
    let targets = cache.get(ck);
    if (!targets) {
      targets = await listTargetsForMetricYear(db, k.metric_id, year);
      cache.set(ck, targets);
    }
    for (const t of targets) {
      if (!(await scopeApplies(db, t, k.scope_id, k.day))) continue;
      for (const period of periodsContaining(t, k.day)) {
        work.set(`${t.definition.id}|${k.scope_id}|${period.key}`, { target: t, scopeId: k.scope_id, period });
      }
    }
  }
  return work;
}

async function scopeApplies(db: Queryable, t: StoredTarget, scopeId: string, day: string): Promise<boolean> {
  const d = t.definition;
  switch (d.scope.kind) {
    case 'district':
      return scopeId === d.district;
    case 'areas':
    case 'sections':
      return d.scope.ids.includes(scopeId);
    case 'each_area': {
      const { rowCount } = await db.query(
        `SELECT 1 FROM area WHERE id = $1 AND district_id = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to >= $3)`,
        [scopeId, d.district, day],
      );
      return rowCount === 1;
    }
  }
}

function periodsContaining(t: StoredTarget, day: string): Period[] {
  const year = day.slice(0, 4);
  const month = Number(day.slice(5, 7));
  switch (t.definition.period) {
    case 'year':
      return [parsePeriod(year)];
    case 'q1':
      return month <= 3 ? [parsePeriod(`${year}-Q1`)] : [];
    case 'quarter':
      return [parsePeriod(`${year}-Q${Math.ceil(month / 3)}`)];
    case 'month':
      return [parsePeriod(day.slice(0, 7))];
  }
}

/** The last day of the period with any value for the scope (evaluations never look past the data). */
async function lastDataDay(db: Queryable, scopeId: string, metricId: string, period: Period): Promise<string | null> {
  const { rows } = await db.query<{ d: string | null }>(
    `SELECT max(day)::text AS d FROM scope_daily WHERE scope_id = $1 AND metric_id = $2 AND day BETWEEN $3 AND $4`,
    [scopeId, metricId, period.from, period.to],
  );
  return rows[0]?.d ?? null;
}
