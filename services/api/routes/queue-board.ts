/**
 * Bull Board at /admin/queues, for administrators only. Its actions (retry, clean, pause) change queue state,
 * so each successful one is written to the audit log. Its own front end cannot send our CSRF token; those
 * routes rely on the SameSite=Lax session cookie (not sent on cross-site POST/PUT) and the admin check.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import { actorOf, writeAudit } from '../../auth/audit-log.js';
import { errorMessage } from '../../errors.js';
import type { AppContext } from '../../runtime/app-context.js';
import { sendApiError } from '../errors.js';
import { requireAdmin } from '../route-kit.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

export async function registerQueueBoard(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: Object.values(ctx.queues).map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'envwatch queues' } },
  });
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), csrf: false };
      route.schema = { ...(route.schema ?? {}), hide: true };
    });
    // Answered here, not thrown: Bull Board's own error handler would turn any error into a 500.
    scope.addHook('onRequest', async (req, reply) => {
      try {
        requireAdmin(req);
      } catch (err) {
        return sendApiError(err, req, reply);
      }
    });
    scope.addHook('onResponse', async (req, reply) => {
      if (req.method === 'GET' || req.method === 'HEAD' || reply.statusCode >= 400 || !req.principal) return;
      await writeAudit(ctx.db, actorOf(req.principal, { ip: req.ip, id: req.id }), {
        action: `queue.${req.method.toLowerCase()}`,
        entityType: 'queue',
        entityId: req.url.slice(0, 300),
      }).catch((err: unknown) =>
        req.log.error({ err: errorMessage(err), url: req.url }, 'audit of a queue action failed'),
      );
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
  });
}
