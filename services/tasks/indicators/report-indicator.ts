/**
 * The verb behind every way a unit reports a manual indicator (API, dashboard, the 台账's 指标 sheet): the
 * target must be a reported_value target of the month's year, the unit must be the one that reports it for
 * that scope (a unit account only as its own unit; a bureau may key in a paper return), the month must have
 * begun and the value must be plausible for its metric (a rate is 0-100). Writes the value, queues its
 * evaluation and the audit row in one transaction; the caller then wakes the evaluate-targets job.
 */
import type pg from 'pg';
import { z } from 'zod';
import { writeAudit, type Actor } from '../../auth/audit-log.js';
import type { Principal } from '../../auth/principal.js';
import { withTransaction } from '../../db/queryable.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import { monthKey, monthStartDay } from '../../time/shanghai.js';
import { monthSchema } from '../report-progress.js';
import { assertMayReport, confinedUnit } from '../task-access.js';
import {
  findIndicatorValue,
  listIndicators,
  upsertIndicatorValue,
  type IndicatorRow,
  type IndicatorValueRow,
} from './indicator-queries.js';
import { reporterOf, type ReportVia } from '../reporter.js';

export const indicatorInputSchema = z.object({
  // An empty form field is no report, never a 0.
  value: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce
      .number({ error: 'value: a number is expected' })
      .refine(Number.isFinite, 'value: a number is expected'),
  ),
  note: z.string().trim().max(2000, 'the note is at most 2000 characters').default(''),
  /** The street/town or district the value is for; only needed when the unit reports several scopes. */
  scope: z.string().optional(),
});
export type IndicatorInput = z.input<typeof indicatorInputSchema>;

export interface IndicatorReport {
  targetId: string;
  unitId: string;
  /** YYYY-MM */
  month: string;
  input: IndicatorInput;
  via: ReportVia;
  today: string;
}

function describeRange(ind: IndicatorRow): string {
  return `${ind.plausible_min ?? '-∞'}..${ind.plausible_max ?? '∞'} ${ind.unit}`;
}

export async function reportIndicator(
  pool: pg.Pool | pg.PoolClient,
  actor: Actor,
  p: Principal,
  req: IndicatorReport,
): Promise<{ indicator: IndicatorRow; value: IndicatorValueRow }> {
  if (!monthSchema.safeParse(req.month).success)
    throw new ValidationError(`month "${req.month}": expected YYYY-MM`);
  if (req.month > monthKey(req.today))
    throw new ValidationError(`month ${req.month} has not begun (today is ${req.today})`);
  const parsed = indicatorInputSchema.safeParse(req.input);
  if (!parsed.success) throw new ValidationError(`invalid indicator value: ${z.prettifyError(parsed.error)}`);
  const input = parsed.data;
  return withTransaction(pool, async (tx) => {
    const all = await listIndicators(tx, {
      unitId: null,
      year: Number(req.month.slice(0, 4)),
      targetId: req.targetId,
    });
    if (all.length === 0)
      throw new NotFoundError(
        `no manual indicator ${req.targetId} for ${req.month.slice(0, 4)} (a target of rule kind reported_value)`,
      );
    await assertMayReport(tx, p, req.unitId);
    const own = all.filter(
      (i) => i.unit_id === req.unitId && (input.scope === undefined || i.scope_id === input.scope),
    );
    if (own.length !== 1) {
      const who = all.map((i) => `${i.scope_id}: ${i.unit_id}`).join(', ');
      const message =
        own.length === 0
          ? `${req.unitId} does not report ${req.targetId}${input.scope ? ` for ${input.scope}` : ''} (reported by ${who})`
          : `${req.unitId} reports ${req.targetId} for several scopes: name one in "scope" (${own.map((i) => i.scope_id).join(', ')})`;
      throw own.length === 0 && (await confinedUnit(tx, p)) !== null
        ? new ForbiddenError(message)
        : new ValidationError(message);
    }
    const indicator = own[0]!;
    if (
      (indicator.plausible_min !== null && input.value < indicator.plausible_min) ||
      (indicator.plausible_max !== null && input.value > indicator.plausible_max)
    )
      throw new ValidationError(
        `${indicator.metric_zh} ${input.value}: outside ${describeRange(indicator)} (${indicator.metric_en})`,
      );
    const key = {
      metricId: indicator.metric_id,
      scopeId: indicator.scope_id,
      month: monthStartDay(req.month),
    };
    const before = await findIndicatorValue(tx, key);
    const value = await upsertIndicatorValue(tx, {
      ...key,
      value: input.value,
      unitId: req.unitId,
      note: input.note,
      ...reporterOf(actor, req.via),
    });
    await writeAudit(tx, actor, {
      action: before === null ? 'indicator_value.report' : 'indicator_value.update',
      entityType: 'manual_indicator_value',
      entityId: `${key.metricId}/${key.scopeId}/${req.month}`,
      before: before === null ? null : { ...before, reported_at: undefined },
      after: { ...value, reported_at: undefined, target_id: req.targetId },
    });
    return { indicator, value };
  });
}
