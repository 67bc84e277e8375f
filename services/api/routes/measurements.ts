/**
 * GET /api/measurements: one series (a site, or an area/district's own series) or one scope (a street/town
 * or district aggregate) over a range of Shanghai days, at hour, day or month resolution, with the data
 * version and flags of each value. Hours exist for series only: scope values start at daily means.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../runtime/app-context.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { assertScopeReadable } from '../../auth/principal.js';
import { daysBetween } from '../../time/shanghai.js';
import { principalOf } from '../auth-hooks.js';
import {
  readScopeDays,
  readScopeMonths,
  readSeriesDays,
  readSeriesHours,
  readSeriesMonths,
  type Point,
} from '../queries/measurement-read.js';
import { findMetric, resolveScopeOwner } from '../queries/reference-read.js';
import { authedRoute, dayField, TAGS, typed } from '../route-kit.js';

/** Range limits keep one response under a few MB: 92 days of hours is 2,208 values. */
const MAX_DAYS = { hour: 92, day: 3 * 366, month: 20 * 366 } as const;
const HOUR_ROW_LIMIT = MAX_DAYS.hour * 24 + 24;

const point = z.object({
  t: z.string(),
  value: z.number().nullable(),
  valid: z.boolean(),
  dataVersion: z.enum(['provisional', 'audited']),
  flags: z.array(z.string()),
  n: z.number().nullable(),
});

const query = z
  .object({
    series: z.string().min(1).optional().describe('a site id, or an area/district id for its own series'),
    scope: z.string().min(1).optional().describe('a street/town or district id: the aggregate of its series'),
    metric: z.string().min(1),
    from: dayField,
    to: dayField,
    bucket: z.enum(['hour', 'day', 'month']).default('day'),
  })
  .refine((q) => Boolean(q.series) !== Boolean(q.scope), { message: 'give exactly one of series and scope' })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to' });

export async function registerMeasurementRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  typed(app).get(
    '/api/measurements',
    authedRoute(TAGS.data, {
      summary: 'Measurements of a series or a scope over Shanghai days, by hour, day or month',
      description:
        'bucket=hour reads raw values of a series; day reads measurement_daily (series) or scope_daily (scope); ' +
        'month reads measurement_monthly or scope_monthly. dataVersion is audited only when every value behind a point is audited.',
      querystring: query,
      response: {
        200: z.object({
          id: z.string(),
          kind: z.enum(['series', 'scope']),
          metric: z.object({ id: z.string(), unit: z.string(), name_zh: z.string(), name_en: z.string() }),
          bucket: z.enum(['hour', 'day', 'month']),
          from: z.string(),
          to: z.string(),
          truncated: z.boolean(),
          points: z.array(point),
        }),
      },
    }),
    async (req) => {
      const q = req.query;
      const p = principalOf(req);
      const id = (q.series ?? q.scope)!;
      const owner = await resolveScopeOwner(ctx.db, id);
      if (!owner) throw new NotFoundError(`no site, street/town or district ${id}`);
      assertScopeReadable(p, { areaId: owner.areaId, districtId: owner.districtId });
      const metric = await findMetric(ctx.db, q.metric);
      if (!metric) throw new NotFoundError(`unknown metric ${q.metric}`);
      if (daysBetween(q.from, q.to) + 1 > MAX_DAYS[q.bucket]) {
        throw new ValidationError(`at most ${MAX_DAYS[q.bucket]} days at bucket=${q.bucket}; narrow from/to`);
      }
      const hourly = metric.resolution === 'hour';
      let points: Point[];
      if (q.scope) {
        if (owner.kind === 'site')
          throw new ValidationError('scope must be a street/town or district; use series= for a site');
        if (q.bucket === 'hour')
          throw new ValidationError(
            'scopes start at daily values; use bucket=day or month, or series= for hours',
          );
        const args = { scopeId: id, metricId: metric.id, from: q.from, to: q.to };
        points = q.bucket === 'day' ? await readScopeDays(ctx.db, args) : await readScopeMonths(ctx.db, args);
      } else {
        const args = { seriesId: id, metricId: metric.id, from: q.from, to: q.to, hourly };
        if (q.bucket === 'hour') points = await readSeriesHours(ctx.db, { ...args, limit: HOUR_ROW_LIMIT });
        else if (q.bucket === 'day') points = await readSeriesDays(ctx.db, args);
        else points = await readSeriesMonths(ctx.db, args);
      }
      return {
        id,
        kind: q.scope ? ('scope' as const) : ('series' as const),
        metric: { id: metric.id, unit: metric.unit, name_zh: metric.name_zh, name_en: metric.name_en },
        bucket: q.bucket,
        from: q.from,
        to: q.to,
        truncated: q.bucket === 'hour' && points.length >= HOUR_ROW_LIMIT,
        points,
      };
    },
  );
}
