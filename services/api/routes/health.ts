/** /healthz: the process is alive. /readyz: it can reach PostgreSQL and Redis (for load balancers). */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../runtime/app-context.js';

export async function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const checks: Record<string, string> = {};
    try {
      await ctx.db.query('SELECT 1');
      checks.postgres = 'ok';
    } catch (err) {
      checks.postgres = (err as Error).message;
    }
    try {
      checks.redis = (await ctx.redis.ping()) === 'PONG' ? 'ok' : 'unexpected reply';
    } catch (err) {
      checks.redis = (err as Error).message;
    }
    const ok = Object.values(checks).every((v) => v === 'ok');
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks });
  });
}
