/**
 * The data phase of the monthly 调度 report (issue #16 item 5): per plan of the district and responsible unit,
 * the tasks it owed a report on that month — done, on track, late, not applicable, not reported — then the
 * tasks past their due date with their owners (主责单位, 牵头领导) and the units not done, and the hook for
 * the manual-entry indicators (null until that feature provides data: nothing is invented in its place).
 */
import type pg from 'pg';
import { monthStartDay } from '../time/shanghai.js';
import { readDistrict } from './queries/reference-queries.js';
import {
  dispatchCounts,
  dispatchIndicators,
  dispatchOverdue,
  type DispatchCountRow,
  type DispatchIndicatorRow,
} from './queries/task-dispatch-queries.js';
import type { TaskDispatchData, TaskDispatchPlan, TaskStatusCounts } from './report-types.js';

const COUNT_KEYS = ['owed', 'done', 'onTrack', 'late', 'notApplicable', 'notReported'] as const;

function countsOf(r: DispatchCountRow): TaskStatusCounts {
  return {
    owed: r.owed,
    done: r.done,
    onTrack: r.on_track,
    late: r.late,
    notApplicable: r.not_applicable,
    notReported: r.not_reported,
  };
}

function plansOf(rows: readonly DispatchCountRow[]): TaskDispatchPlan[] {
  const plans = new Map<string, TaskDispatchPlan>();
  for (const r of rows) {
    let p = plans.get(r.plan_id);
    if (!p) {
      const totals = { owed: 0, done: 0, onTrack: 0, late: 0, notApplicable: 0, notReported: 0 };
      p = {
        id: r.plan_id,
        nameZh: r.plan_zh,
        nameEn: r.plan_en,
        documentNo: r.document_no,
        units: [],
        totals,
      };
      plans.set(r.plan_id, p);
    }
    const c = countsOf(r);
    p.units.push({ unitId: r.unit_id, nameZh: r.unit_zh, nameEn: r.unit_en, ...c });
    for (const k of COUNT_KEYS) p.totals[k] += c[k];
  }
  return [...plans.values()];
}

export async function collectTaskDispatch(
  db: pg.Pool,
  opts: { scopeId: string; month: string },
): Promise<TaskDispatchData> {
  const first = monthStartDay(opts.month);
  const [scope, counts, overdue, indicators] = await Promise.all([
    readDistrict(db, opts.scopeId),
    dispatchCounts(db, opts.scopeId, first),
    dispatchOverdue(db, opts.scopeId, first),
    dispatchIndicators(db, opts.scopeId, first),
  ]);
  return {
    kind: 'task_dispatch',
    scope,
    month: opts.month,
    year: Number(opts.month.slice(0, 4)),
    dataVersion: 'provisional',
    plans: plansOf(counts),
    overdue: overdue.map((o) => ({
      taskId: o.task_id,
      planId: o.plan_id,
      keyTaskZh: o.key_task_zh,
      deadlineZh: o.deadline_zh,
      dueOn: o.due_on,
      daysOverdue: o.days_overdue,
      mainUnitsZh: o.main_units_zh,
      leadOfficials: o.lead_zh.map((zh, i) => ({ zh, en: o.lead_en[i] ?? zh })),
      pendingUnits: o.pending_zh.map((zh, i) => ({ zh, en: o.pending_en[i] ?? zh })),
    })),
    manualIndicators: indicators.map((m) => ({
      indicatorId: m.target_id,
      titleZh: m.scope_zh ? `${m.title_zh}（${m.scope_zh}）` : m.title_zh,
      titleEn: m.title_en,
      unitZh: m.unit_zh,
      value: m.value,
      target: indicatorBound(m),
      verdict: m.status,
    })),
  };
}

/** "≥ 100 %", "≤ 60 分钟", or both ends: the bound the reported value is held to. */
function indicatorBound(m: DispatchIndicatorRow): string | null {
  const parts = [m.min === null ? null : `≥ ${m.min}`, m.max === null ? null : `≤ ${m.max}`].filter((x) => x);
  return parts.length === 0 ? null : `${parts.join('，')} ${m.unit}`.trim();
}
