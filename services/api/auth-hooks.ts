/**
 * Authentication for every route, deny by default: a route is reachable without a principal only when its
 * config says `public: true` (health, metrics, docs, login, signed acknowledgement links). Credentials are a
 * bearer API token (scripts) or the session cookie (the dashboard). Cookie-authenticated writes must echo the
 * session's CSRF token (header x-csrf-token or form field _csrf) on top of the SameSite=Lax cookie.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/env.js';
import type { Queryable } from '../db/queryable.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import { requirePrincipal, type Principal } from '../auth/principal.js';
import {
  principalFromSession,
  principalFromToken,
  type LoginResult,
  type SessionSettings,
} from '../auth/sessions.js';
import { secretsEqual } from '../auth/secrets.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Reachable without logging in. */
    public?: boolean;
    /** false: cookie-authenticated writes need no CSRF token (third-party UIs such as Bull Board; SameSite=Lax still applies). */
    csrf?: boolean;
    /** Reachable by a unit account (issue 16): its task progress routes. Every other route refuses it. */
    unitAccess?: boolean;
  }
}

export const SESSION_COOKIE = 'ew_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sessionSettings(config: Config): SessionSettings {
  return { ttlMinutes: Math.round(config.SESSION_TTL_HOURS * 60), idleMinutes: config.SESSION_IDLE_MINUTES };
}

/** httpOnly (no script reads it), SameSite=Lax (not sent on cross-site POSTs), Secure behind HTTPS. */
export function setSessionCookie(reply: FastifyReply, config: Config, r: LoginResult): void {
  reply.setCookie(SESSION_COOKIE, r.sessionSecret, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.COOKIE_SECURE,
    path: '/',
    expires: r.expiresAt,
  });
}

/** Browsers asking for a page get sent to the login form; API clients get a 401 body. */
function wantsPage(req: FastifyRequest): boolean {
  return (
    req.method === 'GET' && !req.url.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html')
  );
}

/** Deny by default for the unit role: its task routes, and who-am-I / logout. */
const UNIT_SESSION_ROUTES = new Set(['/api/me', '/api/session']);

function unitMayUse(req: FastifyRequest): boolean {
  const url = req.routeOptions.url;
  return url === undefined || req.routeOptions.config.unitAccess === true || UNIT_SESSION_ROUTES.has(url);
}

export function installAuth(app: FastifyInstance, deps: { db: Queryable; config: Config }): void {
  const settings = sessionSettings(deps.config);
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const isPublic = req.routeOptions.config.public === true;
    const auth = req.headers.authorization;
    // Public routes ignore the Authorization header: /metrics reads its own METRICS_TOKEN there.
    if (auth && !isPublic) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      if (!m) throw new UnauthorizedError('Authorization must be "Bearer <token>"');
      req.principal = await principalFromToken(deps.db, m[1]!);
    } else {
      const secret = req.cookies[SESSION_COOKIE];
      if (secret) req.principal = await principalFromSession(deps.db, secret, settings);
    }
    if (req.principal?.role === 'unit' && !isPublic && !unitMayUse(req)) {
      throw new ForbiddenError('a unit account reports its own tasks only (/api/tasks)');
    }
    // No route matched: let the 404 handler answer (it reveals nothing a login would protect).
    if (req.principal || req.routeOptions.url === undefined || isPublic) return;
    if (wantsPage(req)) {
      return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
    }
    requirePrincipal(null);
  });

  // After the body is parsed, before it is validated (validation strips unknown fields such as _csrf).
  app.addHook('preValidation', async (req: FastifyRequest) => {
    const p = req.principal;
    // Public routes act on their own credentials (a signed link, the login form), never on the session's.
    const config = req.routeOptions.config;
    if (!p || p.via !== 'session' || SAFE_METHODS.has(req.method) || config.csrf === false || config.public)
      return;
    const header = req.headers['x-csrf-token'];
    const field =
      typeof req.body === 'object' && req.body !== null
        ? (req.body as Record<string, unknown>)._csrf
        : undefined;
    const sent = typeof header === 'string' ? header : typeof field === 'string' ? field : null;
    if (!sent || !p.csrfToken || !secretsEqual(sent, p.csrfToken))
      throw new ForbiddenError('missing or wrong CSRF token; reload the page and try again');
  });
}

/** The principal of an authenticated route (the onRequest hook guarantees one on non-public routes). */
export function principalOf(req: FastifyRequest): Principal {
  return requirePrincipal(req.principal);
}
