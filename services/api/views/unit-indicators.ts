/**
 * The manual indicators a unit reports for a month (issue 16 item 4), each with the value of that month — or,
 * until it is reported, the latest earlier one as a hint (`prefilled`) — and the target's current verdict for
 * the period the month falls in. A bureau (unit null) sees every unit's.
 */
import type { Queryable } from '../../db/queryable.js';
import {
  listIndicators,
  readIndicatorStatuses,
  readIndicatorValues,
  type IndicatorRow,
} from '../../tasks/indicators/indicator-queries.js';
import { monthKey, monthStartDay } from '../../time/shanghai.js';

export interface UnitIndicator extends IndicatorRow {
  period_key: string;
  status: string | null;
  reported: {
    month: string;
    prefilled: boolean;
    value: number;
    note: string;
    reported_by: string;
    reported_at: Date;
  } | null;
}

function periodKeyOf(kind: IndicatorRow['period_kind'], month: string): string {
  if (kind === 'year') return month.slice(0, 4);
  if (kind === 'quarter') return `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`;
  return month;
}

export async function buildUnitIndicators(
  db: Queryable,
  q: { unitId: string | null; month: string },
): Promise<UnitIndicator[]> {
  const list = await listIndicators(db, { unitId: q.unitId, year: Number(q.month.slice(0, 4)) });
  const values = await readIndicatorValues(db, {
    keys: list.map((i) => ({ metricId: i.metric_id, scopeId: i.scope_id })),
    month: monthStartDay(q.month),
  });
  const byKey = new Map(values.map((v) => [`${v.metric_id}/${v.scope_id}`, v]));
  const keyed = list.map((i) => ({ ...i, period_key: periodKeyOf(i.period_kind, q.month) }));
  const statuses = await readIndicatorStatuses(
    db,
    keyed.map((i) => ({ targetId: i.target_id, scopeId: i.scope_id, periodKey: i.period_key })),
  );
  const statusOf = new Map(statuses.map((s) => [`${s.target_id}/${s.scope_id}/${s.period_key}`, s.status]));
  return keyed.map((i) => {
    const v = byKey.get(`${i.metric_id}/${i.scope_id}`);
    const shown = v === undefined ? null : monthKey(v.month);
    return {
      ...i,
      status: statusOf.get(`${i.target_id}/${i.scope_id}/${i.period_key}`) ?? null,
      reported:
        v === undefined
          ? null
          : {
              month: shown!,
              prefilled: shown !== q.month,
              value: v.value,
              note: v.note,
              reported_by: v.reported_by,
              reported_at: v.reported_at,
            },
    };
  });
}
