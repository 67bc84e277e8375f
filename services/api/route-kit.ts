/** Shared pieces of the route modules: the typed Fastify instance, common query fields, response helpers. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf, type Actor } from '../auth/audit-log.js';
import { assertAdmin } from '../auth/principal.js';
import { toShanghaiDay } from '../time/shanghai.js';
import type { AppContext } from '../runtime/app-context.js';
import { principalOf } from './auth-hooks.js';
import { apiErrorSchema } from './errors.js';
import { NotFoundError } from '../errors.js';
import type { ZodTypeProvider } from './zod-provider.js';

export function typed(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}

export const limitField = z.coerce.number().int().min(1).max(1000).default(100);
/** Keyset pagination: pass the smallest id of the previous page. */
export const beforeField = z.coerce.number().int().positive().optional();
export const idParams = z.object({ id: z.coerce.number().int().positive() });
/** The keyset page of every list route's query string, spread into its `z.object`. */
export const pageFields = { before: beforeField, limit: limitField };
export const dayField = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
export const yearField = z.coerce.number().int().min(2000).max(2100);

/** Error responses every authenticated route can give, for the OpenAPI document. */
export const authErrors = {
  400: apiErrorSchema,
  401: apiErrorSchema,
  403: apiErrorSchema,
  404: apiErrorSchema,
};

type RouteSchema = { summary: string; response: Record<number, z.ZodTypeAny> } & Record<string, unknown>;

/**
 * The options of an authenticated route: its OpenAPI tag, and the error responses (`authErrors`) every such
 * route can give added to the ones it declares, so no route forgets them.
 */
export function authedRoute<const S extends RouteSchema>(tag: (typeof TAGS)[keyof typeof TAGS], schema: S) {
  return { schema: { tags: [tag], ...schema, response: { ...schema.response, ...authErrors } } };
}

/** An authenticated route that unit accounts may call too (the task pages); others refuse them. */
export function unitRoute<const S extends RouteSchema>(tag: (typeof TAGS)[keyof typeof TAGS], schema: S) {
  return { config: { unitAccess: true }, ...authedRoute(tag, schema) };
}

/** A 200 whose shape is described in prose (large nested views, file downloads). */
export const documentedElsewhere = (description: string) => z.unknown().describe(description);

/** The page a list route was asked for, as the read queries take it (no `before` = the newest page). */
export function pageOf(q: { before?: number; limit: number }): { beforeId: number | null; limit: number } {
  return { beforeId: q.before ?? null, limit: q.limit };
}

/** A row looked up by a route's id: absent is a 404 naming what was asked for, not an empty 200. */
export function foundOr404<T>(row: T | null | undefined, missing: string): T {
  if (row === null || row === undefined) throw new NotFoundError(missing);
  return row;
}

/** The caller, who must be an administrator (ForbiddenError otherwise). */
export function requireAdmin(req: FastifyRequest): void {
  assertAdmin(principalOf(req));
}

export function actor(req: FastifyRequest): Actor {
  return actorOf(principalOf(req), { ip: req.ip, id: req.id });
}

/** "Today" in Shanghai by the application clock (tests and replays drive it). */
export function today(ctx: AppContext): string {
  return toShanghaiDay(ctx.clock.now());
}

/** Until this day of January, pages and endpoints asked for no year open on the year just ended. */
export const YEAR_ROLLOVER_DAY = 10;

/**
 * The year shown when none is asked for. In the first days of January the new year has no valid daily mean
 * yet (the first is yesterday's, and the settling window holds it back) while officials are closing the old
 * one, so the default stays on the year just ended until YEAR_ROLLOVER_DAY; ?year= still opens any year.
 */
export function defaultYear(ctx: AppContext): number {
  const day = today(ctx);
  const year = Number(day.slice(0, 4));
  return day.slice(5) < `01-${String(YEAR_ROLLOVER_DAY).padStart(2, '0')}` ? year - 1 : year;
}

export const TAGS = {
  reference: 'reference',
  data: 'measurements',
  status: 'targets',
  alerts: 'alerts',
  reports: 'reports',
  ingest: 'ingestion',
  admin: 'administration',
  session: 'session',
  ops: 'operations',
  tasks: 'tasks',
} as const;
