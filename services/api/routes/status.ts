/** Target status per scope and period, the district overview and the street/town summary. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../runtime/app-context.js';
import { NotFoundError } from '../../errors.js';
import { assertScopeReadable, scopedDistricts } from '../../auth/principal.js';
import { principalOf } from '../auth-hooks.js';
import { resolveScopeOwner } from '../queries/reference-read.js';
import { listTargetStatuses } from '../queries/status-read.js';
import {
  authedRoute,
  defaultYear,
  documentedElsewhere,
  limitField,
  TAGS,
  today,
  typed,
  yearField,
} from '../route-kit.js';
import { buildAreaSummary } from '../views/area-summary.js';
import { buildOverview } from '../views/overview.js';

const STATUS = z.enum(['met', 'at_risk', 'breached', 'insufficient_data']);

const statusRow = z.object({
  target_id: z.string(),
  plan_id: z.string(),
  scope_id: z.string(),
  period_key: z.string(),
  status: STATUS,
  previous_status: z.string().nullable(),
  status_since: z.date(),
  metric_id: z.string(),
  title_zh: z.string(),
  title_en: z.string(),
  strictness: z.enum(['hard', 'soft']),
  source: z.string(),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  coverage: z.number().nullable(),
  data_version: z.string(),
  as_of: z.string(),
  explanation_zh: z.string(),
  explanation_en: z.string(),
  evaluated_at: z.date(),
});

export async function registerStatusRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = typed(app);
  r.get(
    '/api/status',
    authedRoute(TAGS.status, {
      summary: 'Current status of targets per scope and period, with the explanation in Chinese and English',
      querystring: z.object({
        scope: z
          .string()
          .optional()
          .describe('street/town or district id; street/town accounts default to their own'),
        period: z
          .string()
          .regex(/^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$/)
          .optional()
          .describe('2024 (all its periods), 2024-Q1 or 2024-03'),
        target: z.string().optional(),
        status: STATUS.optional(),
        limit: limitField,
      }),
      response: { 200: z.object({ statuses: z.array(statusRow) }) },
    }),
    async (req) => {
      const p = principalOf(req);
      const q = req.query;
      let scopeIds: string[] | null = null;
      if (q.scope) {
        const owner = await resolveScopeOwner(ctx.db, q.scope);
        if (!owner) throw new NotFoundError(`no street/town or district ${q.scope}`);
        assertScopeReadable(p, { areaId: owner.areaId, districtId: owner.districtId });
        scopeIds = [q.scope];
      } else if (p.role === 'area') {
        scopeIds = [p.areaId!, p.districtId!];
      }
      const statuses = await listTargetStatuses(ctx.db, {
        scopeIds,
        period: q.period ?? null,
        targetId: q.target ?? null,
        status: q.status ?? null,
        // Without ?scope= a scoped bureau lists the scopes of its district(s), never another's.
        districtIds: scopedDistricts(p),
        limit: q.limit,
      });
      return { statuses };
    },
  );

  r.get(
    '/api/overview',
    authedRoute(TAGS.status, {
      summary:
        'District overview: YTD PM2.5 against the target, heavy-pollution days, one tile per street/town',
      querystring: z.object({ district: z.string().default('tongzhou'), year: yearField.optional() }),
      response: {
        200: documentedElsewhere(
          '{ district, year, from, asOf, pm25: { ytd, lastYear, changePct, validDays, target, dataVersion }, districtStatus, heavyDays: { count, excludingSandDust, target, days }, targetSource, areas: [{ id, nameZh, shortZh, nameEn, kind, pm25Ytd, pm25LastYear, changePct, validDays, status, statusCounts, openAlerts }] }',
        ),
      },
    }),
    async (req) =>
      buildOverview(ctx.db, principalOf(req), {
        districtId: req.query.district,
        year: req.query.year ?? defaultYear(ctx),
        today: today(ctx),
      }),
  );

  r.get(
    '/api/areas/:id/summary',
    authedRoute(TAGS.status, {
      summary: 'Street/town page: targets with status, PM2.5 trends, district and city ranks, open alerts',
      params: z.object({ id: z.string() }),
      querystring: z.object({ year: yearField.optional() }),
      response: {
        200: documentedElsewhere(
          '{ area, year, asOf, pm25: { ytd, lastYear, districtYtd, validDays }, targets: [status rows as /api/status], trend: { monthly: { area, district }, daily: { area, district } } (points as /api/measurements), districtRanks: [{ month, value, rank, of }], cityRanks: [{ metric_id, month, rank, n_ranked }] (city_ranking), openAlerts: [alerts as /api/alerts] }',
        ),
      },
    }),
    async (req) =>
      buildAreaSummary(ctx.db, principalOf(req), {
        areaId: req.params.id,
        year: req.query.year ?? defaultYear(ctx),
        today: today(ctx),
      }),
  );
}
