/**
 * The monthly 台账 as XLSX (issue 16): GET the template (a unit account gets its own rows; a bureau every
 * unit's, or one unit's with ?unit=), POST the filled-in workbook back (the body is the file itself) and get
 * a row-by-row account: accepted, unchanged, skipped (no status), refused with the reason of each row.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { assertZipWithinBounds } from '../../ingest/formats/zip-bounds.js';
import { xlsxZipBounds } from '../../ingest/limits.js';
import type { AppContext } from '../../runtime/app-context.js';
import { monthKey, monthStartDay } from '../../time/shanghai.js';
import { importLedger } from '../../tasks/import-ledger.js';
import { listLedgerRows } from '../../tasks/ledger-queries.js';
import { renderLedger } from '../../tasks/ledger-xlsx.js';
import { monthSchema } from '../../tasks/report-progress.js';
import { assertUnitVisible, confinedUnit } from '../../tasks/task-access.js';
import { principalOf } from '../auth-hooks.js';
import { actor, documentedElsewhere, TAGS, today, typed, unitRoute } from '../route-kit.js';
import { buildUnitIndicators } from '../views/unit-indicators.js';
import { evaluateTargetsRequest } from '../../outbox/messages.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MAX_LEDGER_BYTES = 10 * 1024 * 1024;

export async function registerTaskLedgerRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Scoped to this plugin: only the ledger upload takes a raw workbook as its body.
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      [XLSX, 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: MAX_LEDGER_BYTES },
      (_req, body, done) => done(null, body),
    );
    const r = typed(scope);
    r.get(
      '/api/tasks/ledger.xlsx',
      unitRoute(TAGS.tasks, {
        summary: 'The monthly 台账 to fill in (XLSX), pre-filled with each unit’s latest report',
        querystring: z.object({
          month: monthSchema.optional(),
          plan: z.string().optional(),
          unit: z.string().optional(),
        }),
        response: { 200: documentedElsewhere('an XLSX workbook, sheet 台账') },
      }),
      async (req, reply) => {
        const confined = await confinedUnit(ctx.db, principalOf(req));
        if (req.query.unit !== undefined) assertUnitVisible(confined, req.query.unit);
        const month = req.query.month ?? monthKey(today(ctx));
        const rows = await listLedgerRows(ctx.db, {
          planId: req.query.plan ?? null,
          unitId: confined ?? req.query.unit ?? null,
          month: monthStartDay(month),
        });
        const indicators = (
          await buildUnitIndicators(ctx.db, { unitId: confined ?? req.query.unit ?? null, month })
        ).map((i) => ({
          ...i,
          reported: i.reported && { month: i.reported.month, value: i.reported.value, note: i.reported.note },
        }));
        const name = `${month}-台账-${confined ?? req.query.unit ?? 'all'}.xlsx`;
        return reply
          .type(XLSX)
          .header(
            'content-disposition',
            `attachment; filename="ledger-${month}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
          )
          .send(await renderLedger(rows, month, indicators));
      },
    );
    r.post(
      '/api/tasks/ledger',
      unitRoute(TAGS.tasks, {
        summary: 'Import a filled-in 台账 (body: the XLSX file); refused rows are kept with their reasons',
        querystring: z.object({ filename: z.string().max(200).optional() }),
        response: {
          200: z.object({
            importId: z.number(),
            received: z.number(),
            accepted: z.number(),
            unchanged: z.number(),
            skipped: z.number(),
            refused: z.number(),
            refusals: z.array(
              z.object({ row: z.number(), reason_code: z.string(), reason_detail: z.string() }),
            ),
          }),
        },
      }),
      async (req) => {
        const body = req.body;
        if (!Buffer.isBuffer(body))
          throw new ValidationError(`send the workbook itself as the body (${XLSX})`);
        const name = req.query.filename ?? 'ledger.xlsx';
        // The same XLSX bounds as every ingestion door, before exceljs inflates anything (issue #20): the
        // 10 MB body limit bounds what is sent, not what it inflates to.
        await assertZipWithinBounds({ name, bytes: body }, xlsxZipBounds());
        const result = await importLedger(ctx.db, actor(req), principalOf(req), {
          name,
          bytes: body,
          today: today(ctx),
        });
        // Indicator values were queued for evaluation with their rows; wake the job that drains the queue.
        if (result.accepted > 0) await ctx.enqueue(...evaluateTargetsRequest('task-ledger'));
        return result;
      },
    );
  });
}
