/** GET /metrics in the Prometheus text format; behind a bearer token when METRICS_TOKEN is set. */
import type { FastifyInstance } from 'fastify';
import { UnauthorizedError } from '../../errors.js';
import { refreshStateGauges } from '../../metrics/db-gauges.js';
import { registry } from '../../metrics/metrics.js';
import type { AppContext } from '../../runtime/app-context.js';
import { secretsEqual } from '../../auth/secrets.js';

export async function registerMetricsRoute(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get(
    '/metrics',
    // Public to the session/token layer: Prometheus authenticates with METRICS_TOKEN, checked below.
    { config: { public: true }, schema: { tags: ['operations'], summary: 'Prometheus metrics' } },
    async (req, reply) => {
      const expected = ctx.config.METRICS_TOKEN;
      if (expected) {
        const got = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
        if (!secretsEqual(got, expected))
          throw new UnauthorizedError('metrics need Authorization: Bearer <METRICS_TOKEN>');
      }
      await refreshStateGauges({ db: ctx.db, queues: ctx.queues, logger: ctx.logger });
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}
