/**
 * /healthz: the process is alive. /readyz: it can reach PostgreSQL and Redis and is not shutting down (for
 * load balancers: a draining instance answers 503 so no new traffic is sent to it).
 */
import type { FastifyInstance } from 'fastify';
import { errorMessage } from '../../errors.js';
import type { AppContext } from '../../runtime/app-context.js';

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
      const checks: Record<string, string> = {};
      try {
        await ctx.db.query('SELECT 1');
        checks.postgres = 'ok';
      } catch (err) {
        checks.postgres = errorMessage(err);
      }
      try {
        checks.redis = (await ctx.redis.ping()) === 'PONG' ? 'ok' : 'unexpected reply';
      } catch (err) {
        checks.redis = errorMessage(err);
      }
      if (closing) checks.process = 'shutting down';
      const ok = Object.values(checks).every((v) => v === 'ok');
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks });
    },
  );
}
