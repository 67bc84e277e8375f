/** Users, API tokens and the audit log (administrators), and the contact directory (details for admins only). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../runtime/app-context.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import {
  addUser,
  changeUser,
  issueToken,
  newUserSchema,
  revokeApiToken,
  userPatchSchema,
} from '../../auth/accounts.js';
import { listAudit } from '../../auth/audit-log.js';
import { findToken, listTokens } from '../../auth/credential-queries.js';
import { assertAdmin, canSeeContactDetails, confinedArea } from '../../auth/principal.js';
import { listUsers } from '../../auth/user-queries.js';
import { principalOf } from '../auth-hooks.js';
import { apiErrorSchema } from '../errors.js';
import { listContacts } from '../queries/contact-read.js';
import { actor, authedRoute, idParams, pageFields, requireAdmin, TAGS, typed } from '../route-kit.js';

const user = z.object({
  id: z.number(),
  username: z.string(),
  display_name: z.string(),
  role: z.string(),
  area_id: z.string().nullable(),
  district_ids: z.array(z.string()).describe("a bureau's districts; empty = every district"),
  locale: z.string(),
  disabled_at: z.date().nullable(),
  created_at: z.date(),
  last_login_at: z.date().nullable(),
  has_password: z.boolean(),
});

const token = z.object({
  id: z.number(),
  user_id: z.number(),
  username: z.string(),
  name: z.string(),
  token_prefix: z.string(),
  read_only: z.boolean(),
  created_at: z.date(),
  expires_at: z.date().nullable(),
  last_used_at: z.date().nullable(),
  revoked_at: z.date().nullable(),
});

export async function registerAdminRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = typed(app);

  r.get(
    '/api/users',
    authedRoute(TAGS.admin, {
      summary: 'Users (administrators)',
      response: { 200: z.object({ users: z.array(user) }) },
    }),
    async (req) => {
      requireAdmin(req);
      return { users: await listUsers(ctx.db) };
    },
  );

  r.post(
    '/api/users',
    authedRoute(TAGS.admin, {
      summary: 'Add a user; without a password one is generated and returned once',
      body: newUserSchema,
      response: {
        201: z.object({ user, generatedPassword: z.string().nullable() }),
        409: apiErrorSchema,
      },
    }),
    async (req, reply) => {
      requireAdmin(req);
      return reply.code(201).send(await addUser(ctx.db, actor(req), req.body));
    },
  );

  r.patch(
    '/api/users/:id',
    authedRoute(TAGS.admin, {
      summary:
        "Change role, area, a bureau's districts (districtIds; [] = every district), name, language, password, or disable",
      params: idParams,
      body: userPatchSchema,
      response: { 200: user },
    }),
    async (req) => {
      requireAdmin(req);
      return changeUser(ctx.db, actor(req), req.params.id, req.body);
    },
  );

  r.get(
    '/api/tokens',
    authedRoute(TAGS.admin, {
      summary: 'API tokens (administrators see all; others their own)',
      response: { 200: z.object({ tokens: z.array(token) }) },
    }),
    async (req) => {
      const p = principalOf(req);
      return { tokens: await listTokens(ctx.db, p.role === 'admin' ? null : p.userId) };
    },
  );

  r.post(
    '/api/tokens',
    authedRoute(TAGS.admin, {
      summary:
        'Issue an API token (the secret is returned once); administrators for anyone, others for themselves',
      body: z.object({
        userId: z.number().int().positive().optional(),
        name: z.string().trim().min(1).max(100),
        readOnly: z.boolean().default(false),
        expiresInDays: z.number().int().min(1).max(3650).nullable().default(365),
      }),
      response: { 201: z.object({ token: z.string(), row: token }) },
    }),
    async (req, reply) => {
      const p = principalOf(req);
      const userId = req.body.userId ?? p.userId;
      if (userId !== p.userId) assertAdmin(p);
      // A readonly account holds no credentials of its own making: an administrator issues its tokens.
      if (p.role === 'readonly') throw new ForbiddenError('a readonly account cannot issue API tokens');
      // A token never carries more than the credential that made it: a read-only token mints read-only ones.
      const readOnly = req.body.readOnly || p.readOnly;
      return reply.code(201).send(
        await issueToken(ctx.db, actor(req), {
          userId,
          name: req.body.name,
          readOnly,
          expiresInDays: req.body.expiresInDays,
        }),
      );
    },
  );

  r.delete(
    '/api/tokens/:id',
    authedRoute(TAGS.admin, {
      summary: 'Revoke an API token',
      params: idParams,
      response: { 200: token },
    }),
    async (req) => {
      const p = principalOf(req);
      const t = await findToken(ctx.db, req.params.id);
      if (!t) throw new NotFoundError(`no token ${req.params.id}`);
      if (t.user_id !== p.userId) assertAdmin(p);
      return revokeApiToken(ctx.db, actor(req), req.params.id);
    },
  );

  r.get(
    '/api/audit',
    authedRoute(TAGS.admin, {
      summary: 'The append-only audit log (administrators)',
      querystring: z.object({
        entity_type: z.string().optional(),
        entity_id: z.string().optional(),
        actor: z.string().optional(),
        ...pageFields,
      }),
      response: {
        200: z.object({
          entries: z.array(
            z.object({
              id: z.number(),
              at: z.date(),
              actor_id: z.number().nullable(),
              actor: z.string(),
              via: z.string(),
              action: z.string(),
              entity_type: z.string(),
              entity_id: z.string().nullable(),
              before: z.unknown(),
              after: z.unknown(),
              ip: z.string().nullable(),
            }),
          ),
        }),
      },
    }),
    async (req) => {
      requireAdmin(req);
      const q = req.query;
      return {
        entries: await listAudit(ctx.db, {
          entityType: q.entity_type,
          entityId: q.entity_id,
          actor: q.actor,
          beforeId: q.before,
          limit: q.limit,
        }),
      };
    },
  );

  r.get(
    '/api/contacts',
    authedRoute(TAGS.admin, {
      summary: 'Contact directory; mobile numbers and e-mail addresses are returned to administrators only',
      querystring: z.object({ unit: z.string().optional(), year: z.coerce.number().int().optional() }),
      response: {
        200: z.object({
          contacts: z.array(
            z.object({
              id: z.string(),
              name_zh: z.string(),
              name_en: z.string().nullable(),
              unit_id: z.string().nullable(),
              unit_name_zh: z.string().nullable(),
              official_id: z.string().nullable(),
              role: z.string(),
              email: z.string().nullable(),
              mobile: z.string().nullable(),
              locale: z.string(),
              year_from: z.number(),
              year_to: z.number().nullable(),
            }),
          ),
        }),
      },
    }),
    async (req) => {
      const p = principalOf(req);
      const rows = await listContacts(ctx.db, {
        unitId: req.query.unit ?? null,
        year: req.query.year ?? null,
        areaId: confinedArea(p),
      });
      const details = canSeeContactDetails(p);
      return { contacts: rows.map((c) => (details ? c : { ...c, email: null, mobile: null })) };
    },
  );
}
