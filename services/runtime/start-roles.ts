/**
 * Starts the roles of one process — scheduler, workers, API, HJ 212 receiver — and stops them in order.
 * `envwatch start` runs those ROLES names; ROLES=workers (say) scales one role out on its own, and a process
 * does only its roles' work (tests/runtime/roles.test.ts).
 */
import type { FastifyInstance } from 'fastify';
import { buildServer } from './http-server.js';
import { errorMessage } from '../errors.js';
import { metrics } from '../metrics/metrics.js';
import { startScheduler, type Scheduler } from '../../workers/scheduler.js';
import { allSchedules, withCronOverrides } from '../../workers/schedules/index.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { QUEUE_NAMES } from '../../workers/queue-names.js';
import { workerHostDeps, type AppContext } from './app-context.js';
import { startHj212Receiver, type RunningReceiver } from '../ingest/hj212/receiver.js';
import { receiverOptions } from '../ingest/hj212/receiver-config.js';
import { refreshRollupsRequest } from '../outbox/messages.js';

export interface RunningRoles {
  apiUrl: string | null;
  hj212: RunningReceiver | null;
  stop(timeoutMs?: number): Promise<void>;
}

export async function startRoles(
  ctx: AppContext,
  roles: readonly ('scheduler' | 'workers' | 'api' | 'hj212')[],
  /**
   * `hj212Refresh: false`: the receiver's commit rounds do not ask for a rollup refresh (the demo, whose loggers
   * send a month in many rounds: evaluating each partial round would tell a story the month does not have;
   * the replay refreshes once the month is in). Default true.
   */
  opts: { hj212Refresh?: boolean } = {},
): Promise<RunningRoles> {
  // Checked in every role, so a misspelt override fails the deployment's first process, not only the scheduler.
  const schedules = withCronOverrides(allSchedules(), ctx.config.SCHEDULE_CRON);
  let scheduler: Scheduler | null = null;
  let workers: WorkerHost | null = null;
  let api: FastifyInstance | null = null;
  let apiUrl: string | null = null;
  if (roles.includes('workers')) {
    workers = startWorkers(
      {
        ...workerHostDeps(ctx),
        // Prometheus: failures per queue/job, durations (the evaluate queue's are the evaluation time).
        onJobFailed: (queue, job) => metrics.jobFailures.inc({ queue, job }),
        onJobCompleted: (queue, job, ms) => {
          metrics.jobSeconds.observe({ queue, job }, ms / 1000);
          if (queue === 'evaluate') metrics.evaluationSeconds.observe(ms / 1000);
        },
      },
      QUEUE_NAMES,
    );
  }
  if (roles.includes('scheduler') && ctx.config.SCHEDULER_ENABLED) {
    scheduler = startScheduler(schedules, ctx.enqueue, ctx.logger, {
      redis: ctx.redis,
      prefix: ctx.config.QUEUE_PREFIX,
    });
  }
  if (roles.includes('api')) {
    api = await buildServer(ctx);
    apiUrl = await api.listen({ host: ctx.config.HTTP_HOST, port: ctx.config.HTTP_PORT });
  }
  // The HJ 212 receiver listens only in a process whose roles name it (config/env.ts adds it to the default
  // roles when HJ212_PORT is set); ROLES=hj212 alone runs nothing else.
  const hj212 =
    roles.includes('hj212') && ctx.config.HJ212_PORT !== undefined
      ? await startHj212Receiver(receiverOptions(ctx.config), {
          db: ctx.db,
          clock: ctx.clock,
          logger: ctx.logger,
          onIngested:
            opts.hj212Refresh === false
              ? undefined
              : async (result) => {
                  await ctx.enqueue(...refreshRollupsRequest(`hj212 batch ${result.batchId}`));
                },
        })
      : null;
  ctx.logger.info({ roles, apiUrl, hj212: hj212?.address ?? null }, 'envwatch started');
  return {
    apiUrl,
    hj212,
    async stop(timeoutMs = 20_000) {
      const ordered = async () => {
        await scheduler?.stop(); // no new ticks
        await hj212?.stop(); // no new packets; framed ones committed and acknowledged
        await api?.close(); // no new requests
        await workers?.close(); // let running jobs finish
        await ctx.close(); // queues, pool, Redis
      };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`shutdown took longer than ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([ordered(), timeout]);
      } catch (err) {
        ctx.logger.error({ err: errorMessage(err) }, 'unclean shutdown');
        throw err;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
