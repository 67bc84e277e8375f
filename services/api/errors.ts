/**
 * One error shape for the whole API: `{ error: { code, message, details? } }` with the status the typed error
 * implies. Unexpected errors are logged with the request id and answered with a generic 500 — internal
 * messages (SQL, stack traces) never reach the client.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isConnectionError } from '../db/pg-errors.js';
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

export function statusOf(err: unknown): number {
  if (err instanceof ValidationError) return 400;
  if (err instanceof UnauthorizedError) return 401;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof ConflictError) return 409;
  if (err instanceof z.ZodError) return 400;
  if (err instanceof ServiceUnavailableError || isConnectionError(err)) return 503;
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
    const message =
      err instanceof ServiceUnavailableError ? err.message : 'the database is unreachable; retry later';
    return { error: { code: 'UNAVAILABLE', message } };
  }
  if (status < 500) {
    const e = err as Partial<FastifyError>;
    return { error: { code: e.code ?? 'BAD_REQUEST', message: e.message ?? 'bad request' } };
  }
  return {
    error: { code: 'INTERNAL', message: 'internal error; the request id is in the x-request-id header' },
  };
}

export function sendApiError(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = statusOf(err);
  if (status === 503) {
    req.log.warn(
      { err: (err as Error).message, reqId: req.id },
      'request refused: a dependency is unreachable',
    );
    void reply.header(
      'retry-after',
      String(err instanceof ServiceUnavailableError ? err.retryAfterSeconds : 30),
    );
  } else if (status >= 500) req.log.error({ err, reqId: req.id }, 'request failed');
  return reply.code(status).type('application/json; charset=utf-8').send(errorBody(err, status));
}
