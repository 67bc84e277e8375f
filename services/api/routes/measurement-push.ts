/**
 * Registers the ingestion engine's measurement push (measurement-push-route.ts, the batch in services/ingest/push-batch.ts) at
 * POST /api/ingest/measurements behind the API's authentication: admins and district bureaus with a writable
 * credential may push (a feed carries every area's data). Each accepted push is audited with its batch.
 */
import type { FastifyInstance } from 'fastify';
import { actorOf, writeAudit } from '../../auth/audit-log.js';
import { canOperateDistrict } from '../../auth/principal.js';
import { resolveFromRoot } from '../../../config/paths.js';
import { errorMessage } from '../../errors.js';
import { registerMeasurementPushRoute } from './measurement-push-route.js';
import { loadSources } from '../../ingest/sources/load-sources.js';
import type { AppContext } from '../../runtime/app-context.js';
import { refreshRollupsRequest } from '../../outbox/messages.js';

export const MEASUREMENT_PUSH_PATH = '/api/ingest/measurements';

export async function registerMeasurementPush(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.schema = {
        ...(route.schema ?? {}),
        tags: ['ingestion'],
        summary: 'Push a batch of measurements (http_push sources); audited',
        description:
          'Body: { source, batch_ref?, measurements: [{ time, series, metric, value, unit?, flags?, version? }] }. ' +
          'Answers with the batch counts and the first refusals; the same batch_ref answers with the first batch (idempotent retries).',
      };
    });
    scope.addHook('onSend', async (req, reply, payload) => {
      if (reply.statusCode !== 200 || !req.principal || typeof payload !== 'string') return payload;
      try {
        const r = JSON.parse(payload) as {
          batch_id: number;
          replayed: boolean;
          received: number;
          inserted: number;
          updated: number;
          refused: number;
        };
        if (!r.replayed) {
          await writeAudit(ctx.db, actorOf(req.principal, { ip: req.ip, id: req.id }), {
            action: 'measurement.push',
            entityType: 'ingest_batch',
            entityId: r.batch_id,
            after: { received: r.received, inserted: r.inserted, updated: r.updated, refused: r.refused },
          });
        }
      } catch (err) {
        req.log.error({ err: errorMessage(err) }, 'audit of a measurement push failed');
      }
      return payload;
    });
    registerMeasurementPushRoute(scope, {
      db: ctx.db,
      clock: ctx.clock,
      path: MEASUREMENT_PUSH_PATH,
      sources: () => loadSources(resolveFromRoot(ctx.config.SOURCES_FILE)),
      authorizeSource: (req) => req.principal !== null && canOperateDistrict(req.principal, 'write'),
      // ioredis reports 'ready' only while connected; otherwise a command would wait for the reconnect.
      queueReady: () => ctx.redis.status === 'ready',
      onIngested: async (result) => {
        await ctx.enqueue(...refreshRollupsRequest(`batch ${result.batchId}`));
      },
    });
  });
}
