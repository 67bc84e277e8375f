/**
 * Fills the state gauges from PostgreSQL and BullMQ just before a scrape. Each statement is a small
 * aggregate over a ledger table (batches, deliveries, alerts), not over measurements, so a scrape costs a
 * few milliseconds. A source that cannot be read sets envwatch_metrics_source_up to 0 instead of failing the
 * scrape: the process metrics are still worth having when PostgreSQL is down.
 */
import type { Queue } from 'bullmq';
import type { Queryable } from '../db/queryable.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logging.js';
import { stateGauges as g } from './metrics.js';

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'waiting-children'] as const;

export interface MetricSources {
  db: Queryable;
  queues: Record<string, Queue>;
  logger: Logger;
}

export async function refreshStateGauges(src: MetricSources): Promise<void> {
  await Promise.all([refreshFromDatabase(src), refreshFromQueues(src)]);
}

async function refreshFromQueues(src: MetricSources): Promise<void> {
  try {
    for (const [name, queue] of Object.entries(src.queues)) {
      const counts = await queue.getJobCounts(...JOB_STATES);
      for (const state of JOB_STATES) g.queueJobs.set({ queue: name, state }, counts[state] ?? 0);
    }
    g.scrapeErrors.set({ source: 'redis' }, 1);
  } catch (err) {
    g.scrapeErrors.set({ source: 'redis' }, 0);
    src.logger.warn({ err: errorMessage(err) }, 'metrics: cannot read queue counts');
  }
}

async function refreshFromDatabase(src: MetricSources): Promise<void> {
  try {
    const [ingest, refused, attempts, deliveries, alerts, sources, evaluation] = await Promise.all([
      src.db.query<{ inserted: number; updated: number; unchanged: number; refused: number }>(
        `SELECT coalesce(sum(inserted), 0) AS inserted, coalesce(sum(updated), 0) AS updated,
                coalesce(sum(unchanged), 0) AS unchanged, coalesce(sum(refused), 0) AS refused
           FROM ingest_batch`,
      ),
      src.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM refused_row WHERE status = 'open'`),
      src.db.query<{ channel: string; outcome: string; n: number }>(
        `SELECT d.channel, a.outcome, count(*)::int AS n
           FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id GROUP BY 1, 2`,
      ),
      src.db.query<{ channel: string; status: string; n: number }>(
        `SELECT channel, status, count(*)::int AS n FROM delivery GROUP BY 1, 2`,
      ),
      src.db.query<{ severity: string; state: string; n: number }>(
        `SELECT severity, state, count(*)::int AS n FROM alert WHERE state IN ('firing', 'acknowledged') GROUP BY 1, 2`,
      ),
      src.db.query<{ source_id: string; age: number | null }>(
        `SELECT source_id, extract(epoch FROM now() - last_success_at)::float8 AS age FROM source_status`,
      ),
      src.db.query<{ age: number | null }>(
        `SELECT extract(epoch FROM now() - max(evaluated_at))::float8 AS age FROM evaluation`,
      ),
    ]);
    const i = ingest.rows[0]!;
    for (const outcome of ['inserted', 'updated', 'unchanged', 'refused'] as const)
      g.ingestRows.set({ outcome }, i[outcome]);
    g.refusedOpen.set(refused.rows[0]!.n);
    // Label sets that vanished (no alert of that severity left open) must read 0, not their last value.
    g.deliveryAttempts.reset();
    for (const r of attempts.rows) g.deliveryAttempts.set({ channel: r.channel, outcome: r.outcome }, r.n);
    g.deliveries.reset();
    for (const r of deliveries.rows) g.deliveries.set({ channel: r.channel, status: r.status }, r.n);
    g.alertsOpen.reset();
    for (const severity of ['critical', 'warning', 'notice']) {
      for (const state of ['firing', 'acknowledged']) g.alertsOpen.set({ severity, state }, 0);
    }
    for (const r of alerts.rows) g.alertsOpen.set({ severity: r.severity, state: r.state }, r.n);
    g.sourceAge.reset();
    for (const r of sources.rows) if (r.age !== null) g.sourceAge.set({ source: r.source_id }, r.age);
    g.evaluationAge.reset();
    const age = evaluation.rows[0]?.age;
    if (age !== null && age !== undefined) g.evaluationAge.set(age);
    g.scrapeErrors.set({ source: 'postgres' }, 1);
  } catch (err) {
    g.scrapeErrors.set({ source: 'postgres' }, 0);
    src.logger.warn({ err: errorMessage(err) }, 'metrics: cannot read database state');
  }
}
