/**
 * What a job handler receives, the way graphile-worker hands each task a helpers object: it never imports
 * the pool or the Redis connection itself. Wiring lives in services/runtime/app-context.ts.
 */
import type pg from 'pg';
import type { Config } from '../config/env.js';
import type { Logger } from '../services/logging.js';
import type { NotifyChannels } from '../services/notify/channels.js';
import type { Clock } from '../services/time/shanghai.js';
import type { Enqueue, Queues } from './enqueue.js';

export interface JobContext {
  config: Config;
  db: pg.Pool;
  logger: Logger;
  clock: Clock;
  enqueue: Enqueue;
  queues: Queues;
  channels: NotifyChannels;
  signal: AbortSignal;
  jobId: string;
  attempt: number;
}
