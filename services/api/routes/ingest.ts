/**
 * Ingestion for operators (admins and district bureaus; read-only accounts may look): sources with their
 * last run, batches with counts, refused rows with their reason, and fixing them — re-process (optionally
 * with corrections) or discard. Street/town accounts are refused: a feed carries every area's data.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../runtime/app-context.js';
import { NotFoundError } from '../../errors.js';
import { assertDistrictOperator } from '../../auth/principal.js';
import { principalOf } from '../auth-hooks.js';
import {
  findBatch,
  findRefusedRow,
  listBatches,
  listRefusedRows,
  listSources,
} from '../queries/ingest-read.js';
import {
  discardRefusedRow,
  rawCorrectionSchema,
  reprocessRefused,
  type ReprocessOutcome,
} from '../refused-actions.js';
import { actor, authedRoute, foundOr404, idParams, pageFields, pageOf, TAGS, typed } from '../route-kit.js';
import { refreshRollupsRequest } from '../../outbox/messages.js';

const batch = z.object({
  id: z.number(),
  source_id: z.string(),
  adapter: z.string(),
  origin: z.string().nullable(),
  status: z.string(),
  received: z.number(),
  inserted: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  refused: z.number(),
  error: z.string().nullable(),
  started_at: z.date(),
  finished_at: z.date().nullable(),
});

const refused = z.object({
  id: z.number(),
  batch_id: z.number(),
  source_id: z.string(),
  record_kind: z.string(),
  row_number: z.number().nullable(),
  raw: z.unknown(),
  reason_code: z.string(),
  reason_detail: z.string(),
  status: z.enum(['open', 'reprocessed', 'discarded']),
  resolved_at: z.date().nullable(),
  resolved_by: z.string().nullable(),
  resolved_batch_id: z.number().nullable(),
  retry_of: z.number().nullable().describe('the refused row this one retried (it was refused again)'),
  created_at: z.date(),
});

const outcome = z.object({
  batchIds: z.array(z.number()).describe('the new reprocess batches (one per source and record kind)'),
  reprocessed: z.array(z.number()).describe('refused rows now stored'),
  stillRefused: z
    .array(
      z.object({ id: z.number(), retryOf: z.number(), reasonCode: z.string(), reasonDetail: z.string() }),
    )
    .describe('rows refused again: the new open row, the row it retried, the current reason'),
});

export async function registerIngestRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = typed(app);
  const readable = (req: Parameters<typeof principalOf>[0]) =>
    assertDistrictOperator(principalOf(req), 'read');
  const writable = (req: Parameters<typeof principalOf>[0]) =>
    assertDistrictOperator(principalOf(req), 'write');
  /** After a re-process wrote data, the rollups refresh as after any ingest (debounced). */
  const afterReprocess = async (o: ReprocessOutcome) => {
    if (o.reprocessed.length > 0)
      await ctx.enqueue(...refreshRollupsRequest(`reprocess ${o.batchIds.join(',')}`));
    return o;
  };

  r.get(
    '/api/ingest/sources',
    authedRoute(TAGS.ingest, {
      summary: 'Sources with their last success, newest data, last batch and open refused rows',
      response: {
        200: z.object({
          sources: z.array(
            z.object({
              source_id: z.string(),
              last_success_at: z.date().nullable(),
              last_data_at: z.date().nullable(),
              last_batch_id: z.number().nullable(),
              last_error: z.string().nullable(),
              last_error_at: z.date().nullable(),
              stale_since: z.date().nullable(),
              open_refused: z.number(),
              last_batch_status: z.string().nullable(),
              last_batch_received: z.number().nullable(),
              last_batch_refused: z.number().nullable(),
            }),
          ),
        }),
      },
    }),
    async (req) => {
      readable(req);
      return { sources: await listSources(ctx.db) };
    },
  );

  r.get(
    '/api/ingest/batches',
    authedRoute(TAGS.ingest, {
      summary: 'Ingestion batches with counts (received = inserted + updated + unchanged + refused)',
      querystring: z.object({
        source: z.string().optional(),
        status: z.enum(['running', 'done', 'failed']).optional(),
        ...pageFields,
      }),
      response: { 200: z.object({ batches: z.array(batch) }) },
    }),
    async (req) => {
      readable(req);
      const q = req.query;
      return {
        batches: await listBatches(ctx.db, {
          sourceId: q.source ?? null,
          status: q.status ?? null,
          ...pageOf(q),
        }),
      };
    },
  );

  r.get(
    '/api/ingest/batches/:id',
    authedRoute(TAGS.ingest, {
      summary: 'One batch',
      params: idParams,
      response: { 200: batch },
    }),
    async (req) => {
      readable(req);
      return foundOr404(await findBatch(ctx.db, req.params.id), `no batch ${req.params.id}`);
    },
  );

  r.post(
    '/api/ingest/batches/:id/reprocess',
    authedRoute(TAGS.ingest, {
      summary:
        'Re-process every open refused row of a batch as stored (after fixing reference data, e.g. an alias)',
      params: idParams,
      response: { 200: outcome },
    }),
    async (req) => {
      writable(req);
      if (!(await findBatch(ctx.db, req.params.id))) throw new NotFoundError(`no batch ${req.params.id}`);
      return afterReprocess(
        await reprocessRefused(ctx.db, actor(req), { batchId: req.params.id }, { clock: ctx.clock }),
      );
    },
  );

  r.get(
    '/api/ingest/refused',
    authedRoute(TAGS.ingest, {
      summary: 'Refused rows with the raw row and the reason',
      querystring: z.object({
        status: z.enum(['open', 'reprocessed', 'discarded']).optional(),
        source: z.string().optional(),
        batch: z.coerce.number().int().positive().optional(),
        reason: z.string().optional(),
        ...pageFields,
      }),
      response: { 200: z.object({ rows: z.array(refused) }) },
    }),
    async (req) => {
      readable(req);
      const q = req.query;
      const rows = await listRefusedRows(ctx.db, {
        status: q.status ?? null,
        sourceId: q.source ?? null,
        batchId: q.batch ?? null,
        reasonCode: q.reason ?? null,
        ...pageOf(q),
      });
      return { rows };
    },
  );

  r.get(
    '/api/ingest/refused/:id',
    authedRoute(TAGS.ingest, {
      summary: 'One refused row',
      params: idParams,
      response: { 200: refused },
    }),
    async (req) => {
      readable(req);
      return foundOr404(await findRefusedRow(ctx.db, req.params.id), `no refused row ${req.params.id}`);
    },
  );

  r.post(
    '/api/ingest/refused/:id/reprocess',
    authedRoute(TAGS.ingest, {
      summary: 'Re-process one refused row, optionally with corrected fields; audited',
      description:
        'The row is closed either way; a row refused again reappears as a new open row (retry_of = this id) with the current reason.',
      params: idParams,
      body: z.object({ correction: rawCorrectionSchema.optional() }).default({}),
      response: { 200: outcome },
    }),
    async (req) => {
      writable(req);
      return afterReprocess(
        await reprocessRefused(
          ctx.db,
          actor(req),
          { ids: [req.params.id] },
          { correction: req.body.correction, clock: ctx.clock },
        ),
      );
    },
  );

  r.post(
    '/api/ingest/refused/:id/discard',
    authedRoute(TAGS.ingest, {
      summary: 'Discard a refused row (it will not be ingested); audited',
      params: idParams,
      body: z.object({ reason: z.string().trim().min(1).max(1000) }),
      response: { 200: refused },
    }),
    async (req) => {
      writable(req);
      return discardRefusedRow(ctx.db, actor(req), req.params.id, req.body.reason);
    },
  );
}
