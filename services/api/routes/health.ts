/**
 * /healthz: the process is alive. /readyz: it can reach PostgreSQL and Redis and is not shutting down (for
 * load balancers: a draining instance answers 503 so no new traffic is sent to it).
 */
import type { FastifyInstance } from 'fastify';
import { errorMessage } from '../../errors.js';
import type { AppContext } from '../../runtime/app-context.js';

const CHECK_TIMEOUT_MS = 2_000;

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
        check(async () => {
          await ctx.db.query('SELECT 1');
          return 'ok';
        }),
        check(async () => ((await ctx.redis.ping()) === 'PONG' ? 'ok' : 'unexpected reply')),
      ]);
      const checks: Record<string, string> = { postgres, redis };
      if (closing) checks.process = 'shutting down';
      const ok = Object.values(checks).every((v) => v === 'ok');
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks });
    },
  );
}
