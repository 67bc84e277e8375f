/**
 * One error shape for the whole API: `{ error: { code, message, details? } }` with the status the typed error
 * implies. Unexpected errors are logged with the request id and answered with a generic 500 — internal
 * messages (SQL, stack traces) never reach the client.
 *
 * A 503 is always code UNAVAILABLE with Retry-After (clients retry on those); when PostgreSQL is the cause,
 * `details` and the message say whether it is unreachable or busy (docs/decisions.md, "Busy or unreachable").
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { databaseOutage, type DatabaseOutage } from '../db/pg-errors.js';
import {
  ConflictError,
  EnvwatchError,
  ForbiddenError,
  NotFoundError,
  ServiceUnavailableError,
  UnauthorizedError,
  ValidationError,
} from '../errors.js';

export interface ApiErrorBody {
  error: { code: string; message: string; details?: { path?: string; reason?: string }[] };
}

export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string().optional(), reason: z.string().optional() })).optional(),
  }),
});

/**
 * What a client and the log are told per PostgreSQL outage. Busy retries sooner: a pool wait or a server at
 * its connection limit clears as the work ahead finishes (seconds), where an unreachable server is a restart
 * or a network fault. 5 s is longer than PG_CONNECT_TIMEOUT_MS (3 s), so a retry does not meet the same queue.
 */
const DATABASE_OUTAGE: Record<
  DatabaseOutage,
  { reason: string; message: string; log: string; retryAfterSeconds: number }
> = {
  unreachable: {
    reason: 'UNREACHABLE',
    message: '无法连接数据库，请稍后重试 (the database is unreachable; retry later)',
    log: 'request refused: the database is unreachable',
    retryAfterSeconds: 30,
  },
  busy: {
    reason: 'BUSY',
    message:
      '数据库繁忙，暂无空闲连接，请稍后重试 (the database is busy: no connection is free; retry later)',
    log: 'request refused: the database is busy (no free connection)',
    retryAfterSeconds: 5,
  },
};

/** The PostgreSQL outage behind a failed request, if that is what failed it (never a ServiceUnavailableError). */
function outageAnswer(err: unknown): (typeof DATABASE_OUTAGE)[DatabaseOutage] | null {
  if (err instanceof ServiceUnavailableError) return null;
  const outage = databaseOutage(err);
  return outage ? DATABASE_OUTAGE[outage] : null;
}

export function statusOf(err: unknown): number {
  if (err instanceof ValidationError) return 400;
  if (err instanceof UnauthorizedError) return 401;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof ConflictError) return 409;
  if (err instanceof z.ZodError) return 400;
  if (err instanceof ServiceUnavailableError || databaseOutage(err)) return 503;
  const status = (err as Partial<FastifyError>).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return status; // Fastify's own (415, 413, bad JSON)
  return 500;
}

export function errorBody(err: unknown, status: number): ApiErrorBody {
  if (err instanceof z.ZodError) {
    return {
      error: {
        code: 'VALIDATION_FAILED',
        message:
          'the request is not valid: ' +
          err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
        details: err.issues.map((i) => ({ path: i.path.join('.'), reason: i.message })),
      },
    };
  }
  if (err instanceof ValidationError) {
    return {
      error: {
        code: err.code,
        message: err.message,
        ...(err.details.length ? { details: err.details } : {}),
      },
    };
  }
  if (err instanceof EnvwatchError && status < 500)
    return { error: { code: err.code, message: err.message } };
  if (status === 503) {
    const o = outageAnswer(err);
    if (!o) return { error: { code: 'UNAVAILABLE', message: (err as Error).message } };
    return {
      error: { code: 'UNAVAILABLE', message: o.message, details: [{ path: 'postgres', reason: o.reason }] },
    };
  }
  if (status < 500) {
    const e = err as Partial<FastifyError>;
    return { error: { code: e.code ?? 'BAD_REQUEST', message: e.message ?? 'bad request' } };
  }
  return {
    error: { code: 'INTERNAL', message: 'internal error; the request id is in the x-request-id header' },
  };
}

/**
 * A 503's log line and Retry-After, for the API's answer and the dashboard's page alike. The two PostgreSQL
 * outages log different lines (and a `postgres` field) so that they can be counted apart.
 */
export function noteUnavailable(err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const o = outageAnswer(err);
  req.log.warn(
    { err: (err as Error).message, reqId: req.id, ...(o ? { postgres: o.reason } : {}) },
    o?.log ?? 'request refused: a dependency is unreachable',
  );
  const retryAfter =
    err instanceof ServiceUnavailableError ? err.retryAfterSeconds : (o?.retryAfterSeconds ?? 30);
  void reply.header('retry-after', String(retryAfter));
}

export function sendApiError(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = statusOf(err);
  if (status === 503) noteUnavailable(err, req, reply);
  else if (status >= 500) req.log.error({ err, reqId: req.id }, 'request failed');
  return reply.code(status).type('application/json; charset=utf-8').send(errorBody(err, status));
}
