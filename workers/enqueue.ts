/**
 * Typed enqueueing: `enqueue('refresh-rollups', payload, { jobId })`. The payload is validated against the
 * job's schema before it reaches Redis, so a malformed job is refused at the caller, not in a worker.
 */
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { ValidationError } from '../services/errors.js';
import { QUEUE_NAMES, type QueueName } from './queue-names.js';
import type { JobName, JobPayload } from './registry.js';
import type { JobDefinition } from './define-job.js';

export interface EnqueueOptions {
  /** Deterministic id: a second add with the same id is ignored while the first job is kept. */
  jobId?: string;
  /**
   * Debounce: while a job with this deduplication id is waiting or running, further adds are dropped.
   * Once it has finished, the next add creates a new job (unlike jobId, whose completed job lingers).
   */
  dedupeId?: string;
  delay?: number;
  priority?: number;
}

export type Enqueue = <N extends JobName>(
  name: N,
  payload: JobPayload<N>,
  opts?: EnqueueOptions,
) => Promise<void>;

/**
 * Completed jobs are kept an hour (so a cron tick's deterministic id still collapses duplicates from a
 * second scheduler) and at most 1,000 per queue, which keeps Redis memory bounded under alert storms;
 * failed jobs are kept a week for inspection.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
};

export type Queues = Record<QueueName, Queue>;

export function createQueues(connection: ConnectionOptions, prefix: string): Queues {
  const entries = QUEUE_NAMES.map(
    (name) =>
      [name, new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS })] as const,
  );
  return Object.fromEntries(entries) as Queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}

export function createEnqueue(queues: Queues, registry: Record<string, JobDefinition>): Enqueue {
  return async (name, payload, opts = {}) => {
    const def = registry[name];
    if (!def) throw new ValidationError(`unknown job: ${name}`);
    const parsed = def.schema.safeParse(payload);
    if (!parsed.success) {
      throw new ValidationError(`invalid payload for job ${name}: ${parsed.error.message}`);
    }
    await queues[def.queue].add(name, parsed.data, {
      ...def.options,
      ...(opts.jobId ? { jobId: opts.jobId } : {}),
      ...(opts.dedupeId ? { deduplication: { id: opts.dedupeId } } : {}),
      ...(opts.delay ? { delay: opts.delay } : {}),
      ...(opts.priority ? { priority: opts.priority } : {}),
    });
  };
}
