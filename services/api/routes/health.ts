/**
 * /healthz: the process is alive. /readyz: it can reach PostgreSQL and Redis and is not shutting down (for
 * load balancers: a draining instance answers 503 so no new traffic is sent to it). The PostgreSQL check says
 * `busy: …` or `unreachable: …` when it fails, as a 503 of the API does (docs/decisions.md, "Busy or
 * unreachable"); either is 503 here.
 */
import type { FastifyInstance } from 'fastify';
import { databaseOutage } from '../../db/pg-errors.js';
import { probeDatabase } from '../../db/probe.js';
import { errorMessage } from '../../errors.js';
import type { AppContext } from '../../runtime/app-context.js';

const CHECK_TIMEOUT_MS = 2_000;
// The probe beside the pool: with CHECK_TIMEOUT_MS before it, /readyz answers within 3.5 s at worst.
const PROBE_TIMEOUT_MS = 1_500;

/** 'ok', or why not — an error, or no answer within CHECK_TIMEOUT_MS. */
async function check(probe: () => Promise<string>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([probe().catch((err: unknown) => errorMessage(err)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The pool answers: ok. The pool reports the server unreachable: so. Otherwise (no free connection within the
 * check's time, or the pool's wait timed out) a connection of its own tells "the server answers, every pool
 * connection is in use" (busy) from "the server does not answer" (unreachable).
 */
async function checkPostgres(ctx: AppContext): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), CHECK_TIMEOUT_MS);
  });
  const viaPool = await Promise.race([
    ctx.db.query('SELECT 1').then(
      () => 'ok' as const,
      (err: unknown) => err,
    ),
    timeout,
  ]).finally(() => clearTimeout(timer));
  if (viaPool === 'ok') return 'ok';
  if (viaPool !== 'timeout' && databaseOutage(viaPool) === 'unreachable')
    return `unreachable: ${errorMessage(viaPool)}`;
  if (viaPool !== 'timeout' && databaseOutage(viaPool) === null) return errorMessage(viaPool);
  const probe = await probeDatabase(ctx.config.DATABASE_URL, PROBE_TIMEOUT_MS);
  const pool = ctx.db;
  if (probe.ok)
    return `busy: all ${pool.totalCount} pool connections in use, ${pool.waitingCount} waiting; the database answers`;
  return probe.outage ? `${probe.outage}: ${probe.message}` : probe.message;
}

export async function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.get(
    '/healthz',
    { config: { public: true }, schema: { tags: ['operations'], summary: 'Liveness' } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: { tags: ['operations'], summary: 'Readiness: PostgreSQL, Redis, not draining' },
    },
    async (_req, reply) => {
      // Each check bounded: ioredis queues a command until it reconnects and a pool waits for a connection,
      // so an unbounded check hangs exactly when the answer matters (issue #20).
      const [postgres, redis] = await Promise.all([
        checkPostgres(ctx),
        check(async () => ((await ctx.redis.ping()) === 'PONG' ? 'ok' : 'unexpected reply')),
      ]);
      const checks: Record<string, string> = { postgres, redis };
      if (closing) checks.process = 'shutting down';
      const ok = Object.values(checks).every((v) => v === 'ok');
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks });
    },
  );
}
