/**
 * The dashboard: server-rendered pages over the same views and actions as the JSON API (no build step, no
 * client framework; forms post back and redirect, so every page works without script and on a phone).
 */
import formbody from '@fastify/formbody';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../runtime/app-context.js';
import { UnauthorizedError } from '../errors.js';
import { login, logout } from '../auth/sessions.js';
import { acknowledgeAlertAs, commentOnAlertAs } from '../api/alert-actions.js';
import { SESSION_COOKIE, sessionSettings, setSessionCookie } from '../api/auth-hooks.js';
import { errorBody, noteUnavailable, statusOf } from '../api/errors.js';
import { actor, defaultYear, today, typed } from '../api/route-kit.js';
import { registerWebOperationsRoutes } from './web-operations.js';
import { registerWebTaskRoutes } from './web-tasks.js';
import { registerWebAdminRoutes } from './web-admin.js';
import { districtYearQuery, requestedDistrict } from './page-query.js';
import { parseLocale, type Locale } from './i18n.js';
import { pageContext, sendPage } from './layout.js';
import type { PageContextOf } from './page-route-group.js';
import { buildOverview } from '../api/views/overview.js';
import { buildAreaSummary } from '../api/views/area-summary.js';
import { buildDistrictSummary } from '../api/views/district-summary.js';
import { buildWaterSummary } from '../api/views/water-summary.js';
import { buildAlertDetail } from '../api/views/alert-detail.js';
import { listDistricts } from '../api/queries/reference-read.js';
import { listAlerts } from '../api/queries/alert-read.js';
import { listActiveWarnings, type ActiveWarning } from '../api/queries/warning-read.js';
import { listAreas } from '../reference/reference-queries.js';
import { canReadDistrict, confinedArea, scopedDistricts } from '../auth/principal.js';
import { overviewPage } from './pages/overview-page.js';
import { areaPage } from './pages/area-page.js';
import { districtPage } from './pages/district-page.js';
import { waterPage } from './pages/water-page.js';
import { alertDetailPage } from './pages/alert-detail-page.js';
import { dashWords } from './pages/dash-words.js';
import { alertsPage } from './pages/alerts-page.js';

/**
 * Alerts per inbox page, newest first, with "older →" beyond. It showed up to 200 full cards at once: the
 * demo's 34 open alerts were 11.6 screens at 1,400 px, and every card costs render time on each request
 * (issue 17: the inbox's p99 at 100 requests/s).
 */
export const INBOX_PAGE = 50;
import { errorPage, loginPage } from './pages/simple-pages.js';

const LANG_COOKIE = 'ew_lang';
const CSS = readFileSync(path.join(import.meta.dirname, 'assets/app.css'), 'utf8');

/** ?lang= (remembered for a year) → cookie → the user's preference → DEFAULT_LOCALE. */
export function resolveLocale(req: FastifyRequest, reply: FastifyReply, fallback: Locale): Locale {
  const fromQuery = parseLocale((req.query as Record<string, unknown> | undefined)?.lang);
  if (fromQuery) {
    reply.setCookie(LANG_COOKIE, fromQuery, { path: '/', sameSite: 'lax', maxAge: 365 * 24 * 3600 });
    return fromQuery;
  }
  return parseLocale(req.cookies[LANG_COOKIE]) ?? req.principal?.locale ?? fallback;
}

/**
 * Only same-site paths: an open redirect through ?next= would help phishing. Browsers drop tabs and line
 * breaks from a URL ("/\t/evil.example" is "//evil.example" to them) and read "\" as "/", so a target with
 * any control character or backslash is refused, and what is left must resolve to this site.
 */
const SAME_SITE = 'http://envwatch.invalid';

export function safeReturn(target: unknown, fallback = '/'): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must not pass
  if (typeof target !== 'string' || !target.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(target))
    return fallback;
  try {
    const url = new URL(target, SAME_SITE);
    return url.origin === SAME_SITE && !target.startsWith('//')
      ? url.pathname + url.search + url.hash
      : fallback;
  } catch {
    return fallback;
  }
}

/** The host of an Origin header, or null when it is not a URL (a bad request, not a server error). */
function originHost(origin: string): string | null {
  return URL.canParse(origin) ? new URL(origin).host : null;
}

export async function registerWebRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Warnings in force, read once per page request (a preHandler) so that every page shows the banner.
  const warningsOf = new WeakMap<FastifyRequest, ActiveWarning[]>();
  const pc: PageContextOf = (req, reply) =>
    pageContext(resolveLocale(req, reply, ctx.config.DEFAULT_LOCALE), req.principal, req.url, {
      mailbox: ctx.config.MAIL_CATCHER_DIR !== undefined,
      warnings: warningsOf.get(req) ?? [],
    });

  await app.register(async (web) => {
    // Form posts only here (and in the alerts engine's ack pages): the JSON API accepts JSON.
    await web.register(formbody);
    web.addHook('preHandler', async (req) => {
      const p = req.principal;
      if (!p || req.method !== 'GET') return;
      const all = await listActiveWarnings(ctx.db, ctx.clock.now());
      // An area user sees the warnings of its district that cover its area (an empty list = the whole district).
      const own = confinedArea(p);
      warningsOf.set(
        req,
        own
          ? all.filter(
              (w) => w.district_id === p.districtId && (w.area_ids.length === 0 || w.area_ids.includes(own)),
            )
          : all,
      );
    });
    web.setErrorHandler((err, req, reply) => {
      const status = statusOf(err);
      if (status === 401) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
      // A 503 tells the reader whether the database is busy or unreachable (and when to try again), as the API does.
      if (status === 503) noteUnavailable(err, req, reply);
      else if (status >= 500) req.log.error({ err, reqId: req.id }, 'page failed');
      const message =
        status === 503
          ? errorBody(err, status).error.message
          : status >= 500
            ? `request ${req.id}`
            : err instanceof Error
              ? err.message
              : String(err);
      return sendPage(reply, errorPage(pc(req, reply), status, message), status);
    });
    const r = typed(web);

    r.get('/assets/app.css', { config: { public: true }, schema: { hide: true } }, async (_req, reply) =>
      reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(CSS),
    );

    r.get(
      '/login',
      {
        config: { public: true },
        schema: {
          hide: true,
          querystring: z.object({
            next: z.string().optional(),
            failed: z.string().optional(),
            lang: z.string().optional(),
          }),
        },
      },
      async (req, reply) => {
        if (req.principal) return reply.redirect(safeReturn(req.query.next), 303);
        return sendPage(
          reply,
          loginPage(pc(req, reply), { next: safeReturn(req.query.next), failed: false, username: '' }),
        );
      },
    );

    r.post(
      '/login',
      {
        config: { public: true },
        schema: {
          hide: true,
          body: z.object({
            username: z.string().max(100),
            password: z.string().max(200),
            next: z.string().optional(),
          }),
        },
      },
      async (req, reply) => {
        // Login CSRF (logging a victim into the attacker's account): refuse posts from other origins.
        const origin = req.headers.origin;
        if (origin && origin !== 'null' && originHost(origin) === null) {
          return sendPage(reply, errorPage(pc(req, reply), 400, 'malformed Origin header'), 400);
        }
        if (origin && origin !== 'null' && originHost(origin) !== req.headers.host) {
          return sendPage(reply, errorPage(pc(req, reply), 403, 'cross-site login refused'), 403);
        }
        try {
          const result = await login(
            ctx.db,
            {
              username: req.body.username,
              password: req.body.password,
              ip: req.ip,
              userAgent: req.headers['user-agent'] ?? null,
            },
            sessionSettings(ctx.config),
          );
          setSessionCookie(reply, ctx.config, result);
          return reply.redirect(safeReturn(req.body.next), 303);
        } catch (err) {
          if (!(err instanceof UnauthorizedError)) throw err;
          return sendPage(
            reply,
            loginPage(pc(req, reply), {
              next: safeReturn(req.body.next),
              failed: true,
              username: req.body.username,
            }),
            401,
          );
        }
      },
    );

    r.post('/logout', { schema: { hide: true } }, async (req, reply) => {
      if (req.principal) await logout(ctx.db, req.principal, req.ip);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.redirect('/login', 303);
    });

    r.get(
      '/',
      {
        // A unit account's home is its task page (issue 16); it may open nothing else.
        config: { unitAccess: true },
        schema: {
          hide: true,
          querystring: districtYearQuery,
        },
      },
      async (req, reply) => {
        const p = req.principal!;
        if (p.role === 'unit') return reply.redirect('/tasks', 303);
        const districtId = requestedDistrict(req, req.query.district);
        const [overview, districts] = await Promise.all([
          buildOverview(ctx.db, p, {
            districtId,
            year: req.query.year ?? defaultYear(ctx),
            today: today(ctx),
          }),
          listDistricts(ctx.db),
        ]);
        const visible = districts.filter((d) => canReadDistrict(p, d.id));
        return sendPage(reply, overviewPage(pc(req, reply), overview, visible));
      },
    );

    r.get(
      '/areas/:id',
      {
        schema: {
          hide: true,
          params: z.object({ id: z.string() }),
          querystring: z.object({
            year: z.coerce.number().int().min(2000).max(2100).optional(),
            lang: z.string().optional(),
          }),
        },
      },
      async (req, reply) => {
        // A district's id opens the district page (/areas/tongzhou): the bureau's home under the same path.
        const district = (await listDistricts(ctx.db)).find((d) => d.id === req.params.id);
        if (district) {
          const summary = await buildDistrictSummary(ctx.db, req.principal!, {
            districtId: district.id,
            year: req.query.year ?? defaultYear(ctx),
            today: today(ctx),
          });
          return sendPage(reply, districtPage(pc(req, reply), summary));
        }
        const summary = await buildAreaSummary(ctx.db, req.principal!, {
          areaId: req.params.id,
          year: req.query.year ?? defaultYear(ctx),
          today: today(ctx),
        });
        return sendPage(reply, areaPage(pc(req, reply), summary));
      },
    );

    r.get(
      '/water',
      {
        schema: {
          hide: true,
          querystring: districtYearQuery,
        },
      },
      async (req, reply) => {
        const p = req.principal!;
        const summary = await buildWaterSummary(ctx.db, p, {
          districtId: requestedDistrict(req, req.query.district),
          year: req.query.year ?? defaultYear(ctx),
        });
        return sendPage(reply, waterPage(pc(req, reply), summary));
      },
    );

    r.get(
      '/alerts',
      {
        schema: {
          hide: true,
          querystring: z.object({
            state: z.string().default('open'),
            severity: z.string().default(''),
            area: z.string().default(''),
            acked: z.coerce.number().int().optional(),
            before: z.coerce.number().int().positive().optional(),
            lang: z.string().optional(),
          }),
        },
      },
      async (req, reply) => {
        const p = req.principal!;
        const q = req.query;
        const own = confinedArea(p);
        const areaId = own ?? (q.area || null);
        const states = q.state === 'open' ? ['firing', 'acknowledged'] : q.state ? [q.state] : null;
        const severity = ['critical', 'warning', 'notice'].includes(q.severity) ? q.severity : null;
        const [alerts, areas] = await Promise.all([
          listAlerts(ctx.db, {
            states,
            severity,
            kind: null,
            areaId,
            targetId: null,
            // A bureau scoped to its district(s) sees their alerts only (issue 17 item 8) — filtered in SQL,
            // so the 200 shown are 200 of its own, not what is left of 200 after dropping the others'.
            districtIds: scopedDistricts(p),
            beforeId: q.before ?? null,
            // One more than a page: whether an older page exists, without a count(*).
            limit: INBOX_PAGE + 1,
          }),
          listAreas(ctx.db),
        ]);
        const page = pc(req, reply);
        const areaOptions = areas
          .filter((a) => (!own || a.id === own) && canReadDistrict(p, a.district_id))
          .map((a) => ({ id: a.id, label: page.locale === 'en' ? a.name_en : a.short_zh }));
        const notice = q.acked ? `#${q.acked} ${page.t('acknowledged')}` : null;
        return sendPage(
          reply,
          alertsPage(
            page,
            alerts.slice(0, INBOX_PAGE),
            { state: q.state, severity: q.severity, area: q.area, before: q.before },
            areaOptions,
            notice,
            alerts.length > INBOX_PAGE,
          ),
        );
      },
    );

    r.get(
      '/alerts/:id',
      {
        schema: {
          hide: true,
          params: z.object({ id: z.coerce.number().int().positive() }),
          querystring: z.object({
            acked: z.coerce.number().int().optional(),
            commented: z.coerce.number().int().optional(),
            lang: z.string().optional(),
          }),
        },
      },
      async (req, reply) => {
        const page = pc(req, reply);
        const detail = await buildAlertDetail(ctx.db, req.principal!, req.params.id);
        const notice = req.query.acked
          ? `#${req.query.acked} ${page.t('acknowledged')}`
          : req.query.commented
            ? dashWords(page.locale)('commented')
            : null;
        return sendPage(reply, alertDetailPage(page, detail, notice));
      },
    );

    r.post(
      '/alerts/:id/comment',
      {
        schema: {
          hide: true,
          params: z.object({ id: z.coerce.number().int().positive() }),
          body: z.object({ text: z.string().trim().min(1).max(2000) }),
        },
      },
      async (req, reply) => {
        await commentOnAlertAs(ctx.db, req.principal!, actor(req), req.params.id, req.body.text, ctx.clock);
        return reply.redirect(`/alerts/${req.params.id}?commented=1`, 303);
      },
    );

    r.post(
      '/alerts/:id/ack',
      {
        schema: {
          hide: true,
          params: z.object({ id: z.coerce.number().int().positive() }),
          body: z.object({ comment: z.string().trim().max(2000).optional(), return: z.string().optional() }),
        },
      },
      async (req, reply) => {
        await acknowledgeAlertAs(
          ctx.db,
          req.principal!,
          actor(req),
          req.params.id,
          req.body.comment || null,
          ctx.clock,
        );
        const back = new URL(safeReturn(req.body.return, '/alerts'), 'http://x');
        back.searchParams.set('acked', String(req.params.id));
        return reply.redirect(`${back.pathname}${back.search}`, 303);
      },
    );

    await registerWebOperationsRoutes(web, ctx, pc);
    await registerWebTaskRoutes(web, ctx, pc);
    await registerWebAdminRoutes(web, ctx, pc);
  });
}
