/**
 * Wiring, in one place: the pool, Redis connections, queues, channels and logger that the roles (scheduler,
 * workers, API) share. Shutdown is ordered: stop cron → close workers → close queues → end the pool →
 * quit Redis, under a timeout, so no job is cut off mid-transaction by a closed pool. The chart rasteriser's
 * worker thread (charts/raster.ts) is ended after the queues, when no job can be drawing e-mail images.
 */
import { configureIngestLimits } from '../ingest/limits.js';
import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { Config } from '../../config/env.js';
import { closeChartRasteriser } from '../charts/raster.js';
import { createPool } from '../db/pool.js';
import { createLogger, type Logger } from '../logging.js';
import { createNotifyChannels, type NotifyChannels } from '../notify/channels.js';
import { systemClock, type Clock } from '../time/shanghai.js';
import {
  closeQueues,
  createEnqueue,
  createQueues,
  type Enqueue,
  type Queues,
} from '../../workers/enqueue.js';
import { registry } from '../../workers/registry.js';
import type { WorkerHostDeps } from '../../workers/worker-host.js';
import { createRedis } from './redis.js';

export interface AppContext {
  config: Config;
  db: pg.Pool;
  redis: Redis;
  logger: Logger;
  clock: Clock;
  queues: Queues;
  enqueue: Enqueue;
  channels: NotifyChannels;
  close(): Promise<void>;
}

export function createAppContext(config: Config, opts: { clock?: Clock; logger?: Logger } = {}): AppContext {
  const logger = opts.logger ?? createLogger({ level: config.LOG_LEVEL });
  configureIngestLimits(config);
  const db = createPool({
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_SIZE,
    connectTimeoutMs: config.PG_CONNECT_TIMEOUT_MS,
  });
  const redis = createRedis(config.REDIS_URL, { forWorkers: true });
  const queues = createQueues(redis, config.QUEUE_PREFIX);
  const enqueue = createEnqueue(queues, registry);
  const channels = createNotifyChannels(config, redis);
  let closed = false;
  return {
    config,
    db,
    redis,
    logger,
    clock: opts.clock ?? systemClock,
    queues,
    enqueue,
    channels,
    async close() {
      if (closed) return;
      closed = true;
      await closeQueues(queues);
      channels.email.close();
      channels.sms.close();
      await closeChartRasteriser(); // after the workers: no report is drawing its e-mail images any more
      await db.end();
      await redis.quit();
    },
  };
}

/** What the worker host needs from the application context (the workers role, a crash test's worker process). */
export function workerHostDeps(ctx: AppContext): WorkerHostDeps {
  return {
    config: ctx.config,
    db: ctx.db,
    logger: ctx.logger,
    clock: ctx.clock,
    enqueue: ctx.enqueue,
    queues: ctx.queues,
    channels: ctx.channels,
    connection: ctx.redis,
  };
}
