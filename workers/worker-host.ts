/**
 * Runs BullMQ workers for the given queues and dispatches each job to its handler from the registry.
 * Bad payloads and permanent errors become UnrecoverableError (no retries); everything else is retried
 * with the job's backoff. A failure is logged with context and counted, never swallowed.
 */
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type pg from 'pg';
import type { Config } from '../config/env.js';
import { errorMessage, isPermanent } from '../services/errors.js';
import type { Logger } from '../services/logging.js';
import type { NotifyChannels } from '../services/notify/channels.js';
import { startOutboxListener, type OutboxListener } from '../services/outbox/outbox-listener.js';
import type { Clock } from '../services/time/shanghai.js';
import type { Enqueue, Queues } from './enqueue.js';
import type { JobContext } from './job-context.js';
import type { QueueName } from './queue-names.js';
import { registry } from './registry.js';

export interface WorkerHostDeps {
  config: Config;
  db: pg.Pool;
  logger: Logger;
  clock: Clock;
  enqueue: Enqueue;
  queues: Queues;
  channels: NotifyChannels;
  connection: ConnectionOptions;
  onJobFailed?: (queue: QueueName, jobName: string, err: unknown) => void;
  onJobCompleted?: (queue: QueueName, jobName: string, ms: number) => void;
}

const CONCURRENCY: Record<QueueName, number> = {
  ingest: 2,
  rollups: 1, // one refresher at a time: claims make parallel runs safe, but they would only contend
  evaluate: 1,
  // Alert and delivery jobs wait mostly on PostgreSQL, SMTP and the SMS gateway; row locks and idempotency
  // keys make parallel runs safe. bench:alerts sizes these (1,000 alerts/s needs the database pool to match).
  // Deliveries: DELIVERY_CONCURRENCY (config/env.ts) overrides this default.
  alerts: 8,
  deliveries: 16,
  reports: 1,
  maintenance: 1,
};

export interface WorkerHost {
  workers: Worker[];
  close(): Promise<void>;
}

export function startWorkers(deps: WorkerHostDeps, queues: readonly QueueName[]): WorkerHost {
  const workers = queues.map((queue) => {
    const worker = new Worker(queue, (job, _token, signal) => runJob(deps, queue, job, signal), {
      connection: deps.connection,
      prefix: deps.config.QUEUE_PREFIX,
      concurrency: queue === 'deliveries' ? deps.config.DELIVERY_CONCURRENCY : CONCURRENCY[queue],
      // Stalled jobs (a worker died mid-job) are picked up again after WORKER_LOCK_SECONDS (default 30 s);
      // handlers are idempotent. Locks are renewed while a job runs, so a short lock never cuts a long job.
      stalledInterval: deps.config.WORKER_LOCK_SECONDS * 1000,
      lockDuration: deps.config.WORKER_LOCK_SECONDS * 1000,
      maxStalledCount: 5,
    });
    worker.on('failed', (job, err) => {
      deps.logger.error(
        { queue, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: errorMessage(err) },
        'job failed',
      );
      deps.onJobFailed?.(queue, job?.name ?? 'unknown', err);
    });
    worker.on('error', (err) => deps.logger.error({ queue, err: errorMessage(err) }, 'worker error'));
    return worker;
  });
  // The host that runs the alerts queue also relays the outbox the moment a writer commits (LISTEN/NOTIFY),
  // so an evaluation reaches its sync-alert job without waiting for the cron safety net.
  const outbox: OutboxListener | null = queues.includes('alerts')
    ? startOutboxListener({ db: deps.db, queues: deps.queues, logger: deps.logger })
    : null;
  return {
    workers,
    async close() {
      await outbox?.close();
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

async function runJob(
  deps: WorkerHostDeps,
  queue: QueueName,
  job: Job,
  signal?: AbortSignal,
): Promise<unknown> {
  const def = (registry as Record<string, (typeof registry)[keyof typeof registry]>)[job.name];
  if (!def) throw new UnrecoverableError(`no handler for job ${job.name} on queue ${queue}`);
  const parsed = def.schema.safeParse(job.data);
  if (!parsed.success) {
    throw new UnrecoverableError(`invalid payload for ${job.name}: ${parsed.error.message}`);
  }
  const ctx: JobContext = {
    config: deps.config,
    db: deps.db,
    logger: deps.logger.child({ job: job.name, jobId: job.id }),
    clock: deps.clock,
    enqueue: deps.enqueue,
    queues: deps.queues,
    channels: deps.channels,
    signal: signal ?? new AbortController().signal,
    jobId: job.id ?? 'unknown',
    attempt: job.attemptsMade + 1,
  };
  const started = performance.now();
  try {
    // The registry is a union of definitions; each handler receives the payload its own schema produced.
    const result = await (def.handle as (p: unknown, c: JobContext) => Promise<unknown>)(parsed.data, ctx);
    deps.onJobCompleted?.(queue, job.name, performance.now() - started);
    return result;
  } catch (err) {
    if (isPermanent(err)) throw new UnrecoverableError(errorMessage(err));
    throw err;
  }
}
