/** Login and logout for API clients that prefer a session (the dashboard has its own form at /login). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../runtime/app-context.js';
import { ROLES } from '../../auth/principal.js';
import { login, logout } from '../../auth/sessions.js';
import { principalOf, SESSION_COOKIE, sessionSettings, setSessionCookie } from '../auth-hooks.js';
import { apiErrorSchema } from '../errors.js';
import { TAGS, typed } from '../route-kit.js';

const me = z.object({
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  unitId: z.string().nullable(),
  areaId: z.string().nullable(),
  locale: z.enum(['zh-CN', 'en']),
  via: z.enum(['session', 'token']),
  readOnly: z.boolean(),
  csrfToken: z.string().optional(),
});

export async function registerSessionRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = typed(app);
  r.post(
    '/api/session',
    {
      config: { public: true },
      schema: {
        tags: [TAGS.session],
        summary:
          'Log in; sets the session cookie and returns the CSRF token cookie-authenticated writes must send',
        body: z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) }),
        response: { 200: z.object({ csrfToken: z.string(), expiresAt: z.string() }), 401: apiErrorSchema },
      },
    },
    async (req, reply) => {
      const result = await login(
        ctx.db,
        { ...req.body, ip: req.ip, userAgent: req.headers['user-agent'] ?? null },
        sessionSettings(ctx.config),
      );
      setSessionCookie(reply, ctx.config, result);
      return { csrfToken: result.csrfToken, expiresAt: result.expiresAt.toISOString() };
    },
  );
  r.delete(
    '/api/session',
    {
      schema: {
        tags: [TAGS.session],
        summary: 'Log out (ends the session)',
        response: { 204: z.null(), 401: apiErrorSchema },
      },
    },
    async (req, reply) => {
      await logout(ctx.db, principalOf(req), req.ip);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );
  r.get(
    '/api/me',
    {
      schema: {
        tags: [TAGS.session],
        summary: 'Who am I (role, area, CSRF token of the session)',
        response: { 200: me, 401: apiErrorSchema },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return {
        username: p.username,
        displayName: p.displayName,
        role: p.role,
        areaId: p.areaId,
        unitId: p.unitId,
        locale: p.locale,
        via: p.via,
        readOnly: p.readOnly,
        ...(p.csrfToken ? { csrfToken: p.csrfToken } : {}),
      };
    },
  );
}
