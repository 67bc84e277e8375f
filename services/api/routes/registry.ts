/**
 * The station and device registry through the API (issue 18 item 2): the same actions as `envwatch site …`
 * and `envwatch device …`, for administrators, audited with the caller; and what the HJ 212 receiver saw of
 * each device (last seen, packets, rows, refusals by reason, CRC variants, edition) for operators.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listDeviceStats } from '../../ingest/hj212/device-queries.js';
import type { AppContext } from '../../runtime/app-context.js';
import { listRegisteredDevices, listSites } from '../../registry/registry-queries.js';
import { addDevice, addSite, changeDevice, changeSite, publicDevice } from '../../registry/registry.js';
import { principalOf } from '../auth-hooks.js';
import { apiErrorSchema } from '../errors.js';
import { actor, authedRoute, requireAdmin, TAGS, typed } from '../route-kit.js';

const anyObject = z.record(z.string(), z.unknown());
/** Rows as the open-shaped JSON the responses declare (the registry's row types have no index signature). */
const json = (o: object) => o as Record<string, unknown>;

export async function registerRegistryRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = typed(app);

  r.get(
    '/api/registry/sites',
    authedRoute(TAGS.admin, {
      summary: 'Sites registered by users (?all=true adds the shipped reference sites)',
      querystring: z.object({ all: z.enum(['true', 'false']).default('false') }),
      response: { 200: z.object({ sites: z.array(anyObject) }) },
    }),
    async (req) => {
      principalOf(req);
      return { sites: (await listSites(ctx.db, req.query.all === 'true' ? null : 'registry')).map(json) };
    },
  );

  r.post(
    '/api/registry/sites',
    authedRoute(TAGS.admin, {
      summary: 'Register a site (code with hyphens kept as an alias); administrators',
      body: anyObject,
      response: { 201: anyObject, 409: apiErrorSchema },
    }),
    async (req, reply) => {
      requireAdmin(req);
      return reply.code(201).send(json(await addSite(ctx.db, req.body, actor(req))));
    },
  );

  r.patch(
    '/api/registry/sites/:code',
    authedRoute(TAGS.admin, {
      summary: 'Change a registered site; administrators',
      params: z.object({ code: z.string().min(1) }),
      body: anyObject,
      response: { 200: anyObject, 409: apiErrorSchema },
    }),
    async (req) => {
      requireAdmin(req);
      return json(await changeSite(ctx.db, req.params.code, req.body, actor(req)));
    },
  );

  r.get(
    '/api/registry/devices',
    authedRoute(TAGS.admin, {
      summary: 'HJ 212 devices (passwords and keys are never returned); administrators',
      response: { 200: z.object({ devices: z.array(anyObject) }) },
    }),
    async (req) => {
      requireAdmin(req);
      return { devices: (await listRegisteredDevices(ctx.db)).map((d) => json(publicDevice(d))) };
    },
  );

  r.post(
    '/api/registry/devices',
    authedRoute(TAGS.admin, {
      summary: 'Register an HJ 212 device (MN, site, password, edition, SM4 key, factors); administrators',
      body: anyObject,
      response: { 201: anyObject, 409: apiErrorSchema },
    }),
    async (req, reply) => {
      requireAdmin(req);
      return reply.code(201).send(json(publicDevice(await addDevice(ctx.db, req.body, actor(req)))));
    },
  );

  r.patch(
    '/api/registry/devices/:mn',
    authedRoute(TAGS.admin, {
      summary: 'Change an HJ 212 device; administrators',
      params: z.object({ mn: z.string().min(1) }),
      body: anyObject,
      response: { 200: anyObject, 409: apiErrorSchema },
    }),
    async (req) => {
      requireAdmin(req);
      return json(publicDevice(await changeDevice(ctx.db, req.params.mn, req.body, actor(req))));
    },
  );

  r.get(
    '/api/hj212/devices',
    authedRoute(TAGS.ingest, {
      summary:
        'What the HJ 212 receiver saw per MN: last seen, packets, rows, refusals by reason, CRC variants',
      response: { 200: z.object({ devices: z.array(anyObject) }) },
    }),
    async (req) => {
      principalOf(req);
      return { devices: (await listDeviceStats(ctx.db)).map(json) };
    },
  );
}
