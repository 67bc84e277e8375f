/** Dashboard pages for the archive and the machinery: reports, ingestion (sources, batches, refused rows). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../runtime/app-context.js';
import { assertAdmin, assertDistrictOperator, reportDistrictFilter } from '../auth/principal.js';
import { listBatches, listRefusedRows, listSources } from '../api/queries/ingest-read.js';
import { listReports } from '../api/queries/report-read.js';
import { discardRefusedRow, reprocessRefused } from '../api/refused-actions.js';
import { actor, typed } from '../api/route-kit.js';
import { sendPage } from './layout.js';
import type { PageContextOf, PageRouteGroup } from './page-route-group.js';
import { resolveFromRoot } from '../../config/paths.js';
import { NotFoundError } from '../errors.js';
import { readMailbox, readMailFile, readMailMessage } from './mailbox.js';
import { ingestPage } from './pages/ingest-page.js';
import { listDeviceStats } from '../ingest/hj212/device-queries.js';
import { mailboxPage, mailMessagePage } from './pages/mail-page.js';
import { reportsPage } from './pages/reports-page.js';
import { refreshRollupsRequest } from '../outbox/messages.js';

export const registerWebOperationsRoutes: PageRouteGroup = async (web, ctx, pc) => {
  const r = typed(web);

  r.get(
    '/reports',
    { schema: { hide: true, querystring: z.object({ lang: z.string().optional() }) } },
    async (req, reply) => {
      const reports = await listReports(ctx.db, {
        districtId: reportDistrictFilter(req.principal!, undefined),
        kind: null,
        period: null,
        includeSuperseded: false,
        limit: 200,
      });
      return sendPage(reply, reportsPage(pc(req, reply), reports));
    },
  );

  r.get(
    '/ingest',
    {
      schema: {
        hide: true,
        querystring: z.object({ notice: z.string().max(300).optional(), lang: z.string().optional() }),
      },
    },
    async (req, reply) => {
      assertDistrictOperator(req.principal!, 'read');
      const [sources, batches, refused, devices] = await Promise.all([
        listSources(ctx.db),
        listBatches(ctx.db, { sourceId: null, status: null, beforeId: null, limit: 20 }),
        listRefusedRows(ctx.db, {
          status: 'open',
          sourceId: null,
          batchId: null,
          reasonCode: null,
          beforeId: null,
          limit: 100,
        }),
        listDeviceStats(ctx.db),
      ]);
      return sendPage(
        reply,
        ingestPage(pc(req, reply), { sources, batches, refused, devices, notice: req.query.notice ?? null }),
      );
    },
  );

  const idParams = z.object({ id: z.coerce.number().int().positive() });

  r.post(
    '/ingest/refused/:id/reprocess',
    { schema: { hide: true, params: idParams } },
    async (req, reply) => {
      assertDistrictOperator(req.principal!, 'write');
      const page = pc(req, reply);
      const out = await reprocessRefused(ctx.db, actor(req), { ids: [req.params.id] }, { clock: ctx.clock });
      if (out.reprocessed.length > 0)
        await ctx.enqueue(...refreshRollupsRequest(`reprocess ${out.batchIds.join(',')}`));
      const still = out.stillRefused[0];
      const notice = still
        ? page.t('stillRefused', { reason: `${still.reasonCode} ${still.reasonDetail}` })
        : `#${req.params.id} ${page.t('done')}`;
      return reply.redirect(`/ingest?notice=${encodeURIComponent(notice.slice(0, 300))}`, 303);
    },
  );

  r.post(
    '/ingest/refused/:id/discard',
    {
      schema: {
        hide: true,
        params: idParams,
        body: z.object({ reason: z.string().trim().min(1).max(1000) }),
      },
    },
    async (req, reply) => {
      assertDistrictOperator(req.principal!, 'write');
      await discardRefusedRow(ctx.db, actor(req), req.params.id, req.body.reason);
      return reply.redirect(
        `/ingest?notice=${encodeURIComponent(`#${req.params.id} ${pc(req, reply).t('done')}`)}`,
        303,
      );
    },
  );

  registerMailboxRoutes(web, ctx, pc);
};

/** The demo's caught e-mail (MAIL_CATCHER_DIR); admins only — the messages carry people's addresses. */
function registerMailboxRoutes(web: FastifyInstance, ctx: AppContext, pc: PageContextOf): void {
  const r = typed(web);
  const mailDir = (req: FastifyRequest): string => {
    assertAdmin(req.principal!);
    const dir = ctx.config.MAIL_CATCHER_DIR;
    if (dir === undefined) throw new NotFoundError('no caught e-mail here (MAIL_CATCHER_DIR is not set)');
    return resolveFromRoot(dir);
  };
  const nParams = z.object({ n: z.coerce.number().int().positive() });

  r.get('/mail', { schema: { hide: true } }, async (req, reply) =>
    sendPage(reply, mailboxPage(pc(req, reply), await readMailbox(mailDir(req)))),
  );
  r.get('/mail/:n', { schema: { hide: true, params: nParams } }, async (req, reply) =>
    sendPage(reply, mailMessagePage(pc(req, reply), await readMailMessage(mailDir(req), req.params.n))),
  );
  r.get('/mail/:n/eml', { schema: { hide: true, params: nParams } }, async (req, reply) => {
    const { entry, raw } = await readMailFile(mailDir(req), req.params.n);
    return reply
      .type('message/rfc822')
      .header(
        'content-disposition',
        // An ASCII fallback, and the real (often Chinese) name per RFC 6266 for browsers that read it.
        `attachment; filename="mail-${entry.n}.eml"; filename*=UTF-8''${encodeURIComponent(entry.file)}`,
      )
      .send(raw);
  });
}
