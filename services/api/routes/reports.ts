/**
 * The report archive: list and download. Reports are district bulletins (通报) circulated to every
 * street/town (002:2971), so every role may read its own district's reports; street/town accounts are
 * confined to their district.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../runtime/app-context.js';
import { NotFoundError } from '../../errors.js';
import { assertScopeReadable, reportDistrictFilter } from '../../auth/principal.js';
import { resolveFromRoot } from '../../../config/paths.js';
import { principalOf } from '../auth-hooks.js';
import { findReportFile, listReports } from '../queries/report-read.js';
import { authedRoute, documentedElsewhere, limitField, TAGS, typed } from '../route-kit.js';

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

export const reportSchema = z.object({
  id: z.number(),
  kind: z.string(),
  scope_id: z.string(),
  period_key: z.string(),
  version: z.number(),
  data_version: z.string(),
  reason: z.string(),
  produced_at: z.date(),
  emailed_at: z.date().nullable(),
  superseded_by: z.number().nullable(),
  files: z.array(
    z.object({
      locale: z.string(),
      format: z.string(),
      file_name: z.string(),
      bytes: z.number(),
      sha256: z.string(),
    }),
  ),
});

/** RFC 6266 / 5987: an ASCII fallback plus the UTF-8 name, so Chinese file names survive every browser. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export async function registerReportRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = typed(app);
  const outDir = path.resolve(resolveFromRoot(ctx.config.OUT_DIR));

  r.get(
    '/api/reports',
    authedRoute(TAGS.reports, {
      summary: 'Archived reports (monthly rankings, quarterly water bulletins) with their files',
      querystring: z.object({
        district: z.string().optional(),
        kind: z.enum(['monthly', 'water_quarterly', 'task_dispatch']).optional(),
        period: z
          .string()
          .regex(/^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$/)
          .optional(),
        all_versions: z
          .enum(['true', 'false'])
          .default('false')
          .transform((v) => v === 'true'),
        limit: limitField,
      }),
      response: { 200: z.object({ reports: z.array(reportSchema) }) },
    }),
    async (req) => {
      const q = req.query;
      const reports = await listReports(ctx.db, {
        districtId: reportDistrictFilter(principalOf(req), q.district),
        kind: q.kind ?? null,
        period: q.period ?? null,
        includeSuperseded: q.all_versions,
        limit: q.limit,
      });
      return { reports };
    },
  );

  r.get(
    '/api/reports/:id/files/:locale/:format',
    authedRoute(TAGS.reports, {
      summary: 'Download one file of a report (Chinese or English; html, pdf, xlsx or csv)',
      params: z.object({
        id: z.coerce.number().int().positive(),
        locale: z.enum(['zh-CN', 'en']),
        format: z.enum(['html', 'pdf', 'xlsx', 'csv']),
      }),
      response: {
        200: documentedElsewhere('the file, with content-disposition and x-content-sha256'),
      },
    }),
    async (req, reply) => {
      const f = await findReportFile(ctx.db, {
        reportId: req.params.id,
        locale: req.params.locale,
        format: req.params.format,
      });
      if (!f)
        throw new NotFoundError(
          `report ${req.params.id} has no ${req.params.locale} ${req.params.format} file`,
        );
      assertScopeReadable(principalOf(req), { areaId: null, districtId: f.scope_id });
      // The archive stores paths relative to OUT_DIR; anything resolving outside it is refused.
      const full = path.resolve(outDir, f.path);
      if (!full.startsWith(outDir + path.sep)) throw new NotFoundError('report file is outside the archive');
      const info = await stat(full).catch(() => null);
      if (!info?.isFile())
        throw new NotFoundError(`report file ${f.file_name} is missing from the archive directory`);
      return reply
        .header('content-type', CONTENT_TYPES[f.format] ?? 'application/octet-stream')
        .header('content-disposition', contentDisposition(f.file_name))
        .header('content-length', info.size)
        .header('x-content-sha256', f.sha256)
        .send(createReadStream(full));
    },
  );
}
