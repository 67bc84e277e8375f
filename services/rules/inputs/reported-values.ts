/**
 * Values a responsible unit reported by hand (manual_indicator_value, issue 16 item 4): one per metric, scope
 * and Asia/Shanghai month. Read for every scope of a target in one query, like every other rule input.
 */
import type { Queryable } from '../../db/queryable.js';
import { readPerScope, type ItemSpan } from './item-span.js';

export interface ReportedValue {
  /** 'YYYY-MM-01' */
  month: string;
  value: number;
  unitId: string;
}

/** scope → its reported values for months starting in the span, in month order. */
export async function readReportedValues(
  db: Queryable,
  metricId: string,
  span: ItemSpan,
): Promise<Map<string, ReportedValue[]>> {
  return readPerScope<{ scope_id: string; month: string; value: number; unit_id: string }, ReportedValue>(
    db,
    span,
    `SELECT scope_id, month::text AS month, value, unit_id
       FROM manual_indicator_value
      WHERE metric_id = $1 AND scope_id = ANY ($2) AND month >= date_trunc('month', $3::date) AND month <= $4::date
      ORDER BY scope_id, month`,
    [metricId, span.scopeIds, span.from, span.until],
    (r) => r.scope_id,
    (r) => ({ month: r.month, value: r.value, unitId: r.unit_id }),
  );
}
