/**
 * The HTTP server (Fastify): plugins, authentication, error handling, the OpenAPI document at /docs, and the
 * route modules — JSON API under /api (services/api/routes/*), the dashboard (services/web), operations
 * (/healthz, /readyz, /metrics, Bull Board at /admin/queues). Each area of the API lives in its own module.
 */
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { registerAlertAckRoutes } from '../web/ack-routes.js';
import { ensureInitialAdmin } from '../auth/initial-admin.js';
import { errorMessage, ValidationError } from '../errors.js';
import { metrics } from '../metrics/metrics.js';
import type { AppContext } from './app-context.js';
import { registerWebRoutes } from '../web/web-routes.js';
import { installAuth } from '../api/auth-hooks.js';
import { sendApiError } from '../api/errors.js';
import { registerAdminRoutes } from '../api/routes/admin.js';
import { registerAlertRoutes } from '../api/routes/alerts.js';
import { registerHealthRoutes } from '../api/routes/health.js';
import { registerIngestRoutes } from '../api/routes/ingest.js';
import { registerMeasurementPush } from '../api/routes/measurement-push.js';
import { registerMeasurementRoutes } from '../api/routes/measurements.js';
import { registerMetricsRoute } from '../api/routes/metrics.js';
import { registerQueueBoard } from '../api/routes/queue-board.js';
import { registerContactRoutes } from '../api/routes/contacts.js';
import { registerReferenceRoutes } from '../api/routes/reference.js';
import { registerRegistryRoutes } from '../api/routes/registry.js';
import { registerReportRoutes } from '../api/routes/reports.js';
import { registerSessionRoutes } from '../api/routes/session.js';
import { registerStatusRoutes } from '../api/routes/status.js';
import { registerTaskIndicatorRoutes } from '../api/routes/task-indicators.js';
import { registerTaskLedgerRoutes } from '../api/routes/task-ledger.js';
import { registerTaskRoutes } from '../api/routes/tasks.js';
import { registerRefusalAudit } from './audit-refusals.js';
import { registerBoundedJsonParser } from './json-body.js';
import { jsonSerializerCompiler, zodSwaggerTransform, zodValidatorCompiler } from '../api/zod-provider.js';

/** Measurement pushes carry up to a few hundred thousand rows; everything else is small. */
const BODY_LIMIT = 32 * 1024 * 1024;

/**
 * Compressed responses: the dashboard's pages, its stylesheet and the JSON API are text that shrinks to a
 * fifth or less, and officials open them on phones (the district page was 43 KB, /api/status 109 KB).
 * @fastify/compress is the framework's own plugin for it (brotli at quality 4 by default, cheap enough per
 * request; gzip for clients without brotli). Below 1 KB the framing costs more than it saves. Reports (PDF,
 * XLSX), PNG charts and attachments are compressed already: their types are not compressible in mime-db, which
 * the plugin consults for every type this pattern does not name, so they go out as they are.
 */
const COMPRESS_OPTIONS = {
  threshold: 1024,
  encodings: ['br', 'gzip'] as ('br' | 'gzip')[],
  customTypes:
    /^(?:text\/|application\/(?:json|javascript|xml)|application\/[\w.+-]*\+(?:json|xml)|image\/svg\+xml)/,
};

/** Registers `fn`'s routes as public (reachable without logging in): docs, signed links. */
async function registerPublic(
  app: FastifyInstance,
  fn: (scope: FastifyInstance) => Promise<void>,
): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), public: true };
    });
    await fn(scope);
  });
}

export async function buildServer(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger.child({ role: 'api' }) as FastifyBaseLogger,
    // One structured line per request (below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // req.ip (audit log, sessions, login throttling) is the socket address unless a proxy is trusted:
    // X-Forwarded-For from anybody else is forgeable (issue #20).
    trustProxy: ctx.config.TRUST_PROXY,
    bodyLimit: BODY_LIMIT,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  });
  registerBoundedJsonParser(app, ctx.config.JSON_MAX_DEPTH);
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(jsonSerializerCompiler);
  app.setErrorHandler((err, req, reply) => sendApiError(err, req, reply));
  // PostgreSQL keeps no NUL in text: a %00 in a parameter would reach a query and fail it as a 500 on every
  // route that filters by text (issue #20). Refused here, once, for all of them.
  app.addHook('onRequest', async (req, reply) => {
    // eslint-disable-next-line no-control-regex -- a raw NUL is what is looked for
    if (/%00|\u0000/i.test(req.url)) {
      const err = new ValidationError('the URL contains a NUL byte (%00); no parameter may contain one', [
        { path: 'url', reason: 'NUL byte' },
      ]);
      return sendApiError(err, req, reply);
    }
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } }),
  );
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  registerRefusalAudit(app, ctx);
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpSeconds.observe(
      { method: req.method, route, status: `${Math.floor(reply.statusCode / 100)}xx` },
      seconds,
    );
    if (route === '/healthz' || route === '/readyz' || route === '/metrics') return;
    req.log.info(
      {
        reqId: req.id,
        method: req.method,
        route,
        url: req.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        user: req.principal?.username,
      },
      'request',
    );
  });

  // Before every route: the plugin attaches itself to the routes registered after it.
  await app.register(compress, COMPRESS_OPTIONS);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'envwatch API',
        version: '1',
        description:
          '通州区、经开区污染防治攻坚战行动计划目标监测。Environmental targets of the Tongzhou and BDA action plans: measurements, ' +
          'target status, alerts, reports, ingestion. Authenticate with `Authorization: Bearer <token>` (envwatch user token) ' +
          'or the dashboard session cookie (writes then need the x-csrf-token header from GET /api/me).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'ew_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: zodSwaggerTransform,
  });
  await registerPublic(app, async (scope) => {
    await scope.register(swaggerUi, { routePrefix: '/docs' });
  });
  installAuth(app, { db: ctx.db, config: ctx.config });

  await registerHealthRoutes(app, ctx);
  await registerMetricsRoute(app, ctx);
  await registerSessionRoutes(app, ctx);
  await registerReferenceRoutes(app, ctx);
  await registerContactRoutes(app, ctx);
  await registerMeasurementRoutes(app, ctx);
  await registerStatusRoutes(app, ctx);
  await registerAlertRoutes(app, ctx);
  await registerReportRoutes(app, ctx);
  await registerTaskRoutes(app, ctx);
  await registerTaskLedgerRoutes(app, ctx);
  await registerTaskIndicatorRoutes(app, ctx);
  await registerIngestRoutes(app, ctx);
  await registerMeasurementPush(app, ctx);
  await registerAdminRoutes(app, ctx);
  await registerRegistryRoutes(app, ctx);
  await registerQueueBoard(app, ctx);
  // The e-mails' signed acknowledgement links (the alerts engine's pages): the token is the credential.
  await registerPublic(app, (scope) =>
    registerAlertAckRoutes(scope, { db: ctx.db, clock: ctx.clock, config: ctx.config }),
  );
  await registerWebRoutes(app, ctx);

  app.addHook('onReady', async () => {
    const outcome = await ensureInitialAdmin(ctx.db, {
      username: ctx.config.INITIAL_ADMIN_USERNAME,
      password: ctx.config.INITIAL_ADMIN_PASSWORD,
    }).catch((err: unknown) => {
      ctx.logger.error({ err: errorMessage(err) }, 'could not create the initial administrator');
      return 'failed';
    });
    if (outcome === 'created')
      ctx.logger.info({ username: ctx.config.INITIAL_ADMIN_USERNAME }, 'initial administrator created');
  });
  return app;
}
