/**
 * GET /metrics in the Prometheus text format, behind METRICS_TOKEN. Without a token configured it answers 401
 * unless METRICS_PUBLIC=true: queue depths, source names and failure counts are not for the whole network.
 */
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
      } else if (!ctx.config.METRICS_PUBLIC) {
        throw new UnauthorizedError(
          'metrics are closed: set METRICS_TOKEN (or METRICS_PUBLIC=true on a trusted network)',
        );
      }
      await refreshStateGauges({ db: ctx.db, queues: ctx.queues, logger: ctx.logger });
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}
