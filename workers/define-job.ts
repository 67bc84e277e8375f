/**
 * A job = a name, the queue it runs on, a schema for its payload and a handler. Payloads are parsed
 * before the handler runs: a job queued by an older version may not match today's type, and bad input
 * is a permanent failure (BullMQ UnrecoverableError), never retried.
 */
import type { JobsOptions } from 'bullmq';
import type { z } from 'zod';
import type { JobContext } from './job-context.js';
import type { QueueName } from './queue-names.js';

export interface JobDefinition<N extends string = string, S extends z.ZodType = z.ZodType> {
  name: N;
  queue: QueueName;
  schema: S;
  options?: JobsOptions;
  handle(payload: z.infer<S>, ctx: JobContext): Promise<unknown>;
}

export function defineJob<const N extends string, S extends z.ZodType>(
  def: JobDefinition<N, S>,
): JobDefinition<N, S> {
  return def;
}

type Named<D> = D extends JobDefinition<infer N, z.ZodType> ? N : never;

/** A registry slice keyed by job name; a definition whose key and name disagree cannot be built. */
export function jobsByName<const D extends readonly JobDefinition<string, z.ZodType>[]>(
  ...defs: D
): { [K in D[number] as Named<K>]: K } {
  const out: Record<string, JobDefinition<string, z.ZodType>> = {};
  for (const d of defs) {
    if (out[d.name]) throw new Error(`two jobs are named ${d.name}`);
    out[d.name] = d;
  }
  return out as { [K in D[number] as Named<K>]: K };
}
