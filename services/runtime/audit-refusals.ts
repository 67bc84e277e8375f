/**
 * Refusals in the audit log (issue #20: 403s, CSRF failures and failed pushes left no trace). A signed-in caller
 * refused access (403, a wrong or missing CSRF token included) or whose measurement push was refused (any 4xx,
 * and a 5xx other than 503: "the database is down" is not the pusher's doing and cannot be written anyway) gets an
 * audit row with the route, the status and the reason sent back. Anonymous refusals (401) are not written: anybody
 * could fill the log with them; the request log and metrics count those.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, writeAudit } from '../auth/audit-log.js';
import type { AppContext } from './app-context.js';

const PUSH_ROUTE = /\/ingest\/measurements$/;

function refusalAction(req: FastifyRequest, status: number): string | null {
  if (status === 403) return 'access.denied';
  const push = req.method === 'POST' && PUSH_ROUTE.test(req.routeOptions.url ?? '');
  if (push && status >= 400 && status !== 503 && status !== 401) return 'ingest.push_refused';
  return null;
}

function errorOf(payload: unknown): { code: string | null; message: string | null } {
  if (typeof payload !== 'string') return { code: null, message: null };
  try {
    const e = (JSON.parse(payload) as { error?: { code?: unknown; message?: unknown } }).error;
    return {
      code: typeof e?.code === 'string' ? e.code : null,
      message: typeof e?.message === 'string' ? e.message.slice(0, 500) : null,
    };
  } catch {
    return { code: null, message: null }; // an HTML page (the dashboard's 403): the status says enough
  }
}

export function registerRefusalAudit(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const action = refusalAction(req, reply.statusCode);
    if (!action || !req.principal) return payload;
    try {
      await writeAudit(ctx.db, actorOf(req.principal, { ip: req.ip, id: req.id }), {
        action,
        entityType: 'http_request',
        entityId: null,
        after: {
          method: req.method,
          route: req.routeOptions.url ?? null,
          url: req.url.split('?')[0]!.slice(0, 300),
          status: reply.statusCode,
          ...errorOf(payload),
        },
      });
    } catch (err) {
      // The refusal stands without its row; say so rather than turn a 403 into a 500.
      req.log.warn({ err: err instanceof Error ? err.message : String(err), action }, 'refusal not audited');
    }
    return payload;
  });
}
