/**
 * Manual-entry indicators (issue 16 item 4): the numbers a unit reports by hand with its monthly progress.
 * GET lists a unit account's own (a bureau's: every unit's, or one unit's with ?unit=) with the month's value
 * and the target's verdict; PUT stores a value (audited) and wakes the evaluation, so the verdict and any
 * alert follow like those of a measured target.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { evaluateTargetsRequest } from '../../outbox/messages.js';
import type { AppContext } from '../../runtime/app-context.js';
import { indicatorInputSchema, reportIndicator } from '../../tasks/indicators/report-indicator.js';
import { monthSchema } from '../../tasks/report-progress.js';
import { assertUnitVisible, confinedUnit } from '../../tasks/task-access.js';
import { monthKey } from '../../time/shanghai.js';
import { principalOf } from '../auth-hooks.js';
import { actor, authErrors, TAGS, today, typed } from '../route-kit.js';
import { buildUnitIndicators } from '../views/unit-indicators.js';

const reported = z.object({
  month: z.string(),
  prefilled: z
    .boolean()
    .describe('true: nothing reported for the month asked yet; this is the latest earlier value'),
  value: z.number(),
  note: z.string(),
  reported_by: z.string(),
  reported_at: z.date(),
});

const indicatorItem = z.object({
  target_id: z.string(),
  plan_id: z.string(),
  title_zh: z.string(),
  title_en: z.string(),
  source: z.string(),
  period_kind: z.string(),
  period_key: z.string(),
  metric_id: z.string(),
  metric_zh: z.string(),
  unit: z.string(),
  unit_zh: z.string(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  scope_id: z.string(),
  scope_zh: z.string(),
  unit_id: z.string(),
  status: z
    .string()
    .nullable()
    .describe('the target’s current verdict for the period (null: not evaluated yet)'),
  reported: reported.nullable(),
});

export async function registerTaskIndicatorRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = typed(app);
  r.get(
    '/api/tasks/indicators',
    {
      config: { unitAccess: true },
      schema: {
        tags: [TAGS.tasks],
        summary: 'Manual-entry indicators to report for a month, with the value and the verdict',
        querystring: z.object({ month: monthSchema.optional(), unit: z.string().optional() }),
        response: {
          200: z.object({
            month: z.string(),
            unit_id: z.string().nullable(),
            indicators: z.array(indicatorItem),
          }),
          ...authErrors,
        },
      },
    },
    async (req) => {
      const confined = await confinedUnit(ctx.db, principalOf(req));
      if (req.query.unit !== undefined) assertUnitVisible(confined, req.query.unit);
      const unitId = confined ?? req.query.unit ?? null;
      const month = req.query.month ?? monthKey(today(ctx));
      return { month, unit_id: unitId, indicators: await buildUnitIndicators(ctx.db, { unitId, month }) };
    },
  );

  r.put(
    '/api/tasks/indicators/:target/:unit/:month',
    {
      config: { unitAccess: true },
      schema: {
        tags: [TAGS.tasks],
        summary:
          'Report a manual indicator’s value for a month (e.g. 月检查率 in %, longest spill handling in minutes)',
        params: z.object({ target: z.string(), unit: z.string(), month: monthSchema }),
        body: indicatorInputSchema,
        response: {
          200: z.object({
            target_id: z.string(),
            scope_id: z.string(),
            month: z.string(),
            value: z.number(),
          }),
          ...authErrors,
        },
      },
    },
    async (req) => {
      const { indicator, value } = await reportIndicator(ctx.db, actor(req), principalOf(req), {
        targetId: req.params.target,
        unitId: req.params.unit,
        month: req.params.month,
        input: req.body,
        via: 'api',
        today: today(ctx),
      });
      await ctx.enqueue(...evaluateTargetsRequest('manual-indicator'));
      return {
        target_id: indicator.target_id,
        scope_id: value.scope_id,
        month: req.params.month,
        value: value.value,
      };
    },
  );
}
