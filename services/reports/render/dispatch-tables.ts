/**
 * The monthly 调度 report as tables (the XLSX sheets, the CSV, and the rows the HTML and PDF print), so every
 * format shows the same counts: a summary per plan, a table per plan of its units, the overdue tasks with
 * their owners, and the manual-entry indicators' section.
 */
import type { ReportLocale, TaskDispatchData, TaskDispatchPlan, TaskStatusCounts } from '../report-types.js';
import { TARGET_STATUS_LABELS, labelOf } from '../../labels/catalogue.js';
import { districtName, monthLabel } from './format.js';
import type { Cell, Column, Table } from './table-rows.js';

const zh = (l: ReportLocale) => l === 'zh-CN';
const join = (l: ReportLocale, xs: readonly string[]) => xs.join(zh(l) ? '、' : ', ');

export function dispatchTitle(data: TaskDispatchData, locale: ReportLocale): string {
  return zh(locale)
    ? `${districtName(data.scope, locale)}${monthLabel(data.month, locale)}生态环境重点任务调度报告`
    : `${districtName(data.scope, locale)}: key environmental tasks, progress report for ${monthLabel(data.month, locale)}`;
}

/** Share of owed tasks with a report for the month, in percent (null when nothing was owed). */
export function reportedPct(c: TaskStatusCounts): number | null {
  return c.owed === 0 ? null : ((c.owed - c.notReported) / c.owed) * 100;
}

function countColumns(locale: ReportLocale): Column[] {
  const h = zh(locale)
    ? ['应报任务', '已完成', '正常推进', '滞后', '不适用', '未上报', '上报率（%）']
    : ['Owed', 'Done', 'On track', 'Late', 'N/A', 'Not reported', 'Reported (%)'];
  return h.map((header, i) => ({ header, width: 10, numFmt: i === 6 ? '0.0' : '0' }));
}

function countCells(c: TaskStatusCounts): Cell[] {
  return [c.owed, c.done, c.onTrack, c.late, c.notApplicable, c.notReported, reportedPct(c)];
}

export function planName(p: TaskDispatchPlan, locale: ReportLocale): string {
  return zh(locale) ? p.nameZh : p.nameEn;
}

export function dispatchSummaryTable(data: TaskDispatchData, locale: ReportLocale): Table {
  return {
    name: zh(locale) ? '汇总' : 'Summary',
    columns: [{ header: zh(locale) ? '行动计划' : 'Plan', width: 40 }, ...countColumns(locale)],
    rows: data.plans.map((p) => [planName(p, locale), ...countCells(p.totals)]),
  };
}

export function dispatchUnitTable(p: TaskDispatchPlan, locale: ReportLocale): Table {
  return {
    name: planName(p, locale),
    columns: [{ header: zh(locale) ? '责任单位' : 'Unit', width: 28 }, ...countColumns(locale)],
    rows: [
      ...p.units.map((u) => [zh(locale) ? u.nameZh : u.nameEn, ...countCells(u)]),
      [zh(locale) ? '合计' : 'Total', ...countCells(p.totals)],
    ],
  };
}

export function dispatchOverdueTable(data: TaskDispatchData, locale: ReportLocale): Table {
  const h = zh(locale)
    ? ['任务编号', '重点任务', '完成时限', '到期日', '逾期天数', '主责单位', '牵头领导', '未完成单位']
    : [
        'Task',
        'Key task',
        'Deadline (as written)',
        'Due',
        'Days overdue',
        'Main units',
        'Lead officials',
        'Units not done',
      ];
  const widths = [14, 40, 16, 11, 9, 22, 12, 22];
  return {
    name: zh(locale) ? '逾期任务' : 'Overdue tasks',
    columns: h.map((header, i) => ({ header, width: widths[i]!, ...(i === 4 ? { numFmt: '0' } : {}) })),
    rows: data.overdue.map((o) => [
      o.taskId,
      o.keyTaskZh,
      o.deadlineZh,
      o.dueOn,
      o.daysOverdue,
      join(locale, o.mainUnitsZh),
      join(
        locale,
        o.leadOfficials.map((x) => (zh(locale) ? x.zh : x.en)),
      ),
      join(
        locale,
        o.pendingUnits.map((x) => (zh(locale) ? x.zh : x.en)),
      ),
    ]),
  };
}

/** The manual-entry indicators with the month's value and verdict (the verdict a target status key). */
export function dispatchIndicatorTable(data: TaskDispatchData, locale: ReportLocale): Table {
  const h = zh(locale)
    ? ['指标', '责任单位', '本月值', '目标', '评价']
    : ['Indicator', 'Unit', 'Value', 'Target', 'Verdict'];
  return {
    name: zh(locale) ? '手工填报指标' : 'Manual indicators',
    columns: h.map((header, i) => ({ header, width: i === 0 ? 36 : 14 })),
    rows: (data.manualIndicators ?? []).map((m) => [
      zh(locale) ? m.titleZh : m.titleEn,
      m.unitZh,
      m.value,
      m.target,
      m.verdict === null ? null : labelOf(TARGET_STATUS_LABELS, m.verdict)[zh(locale) ? 'zh' : 'en'],
    ]),
  };
}

/** A later version replaces an earlier one because reports arrived late, not because data were audited. */
export function dispatchSupersedes(locale: ReportLocale, n: number): string {
  return zh(locale) ? `替代第${n}版（其后有单位补报）` : `Replaces version ${n} (reports arrived since)`;
}

export function dispatchNotes(locale: ReportLocale): {
  basis: string;
  noIndicators: string;
  noOverdue: string;
} {
  return zh(locale)
    ? {
        basis:
          '统计口径：各责任单位当月应上报进展的任务（计划年度内、尚未上报已完成或不适用的任务，“各街道乡镇”展开到每个街道乡镇）。' +
          '“滞后”含单位自报滞后及已过完成时限仍未完成的任务；数据为各单位自报，截至报告生成时。',
        noIndicators: '本辖区本月无手工填报指标。',
        noOverdue: '截至本月末，无逾期未完成的任务。',
      }
    : {
        basis:
          'Counted: the tasks each responsible unit owed a report on this month (plan year, not yet reported done or ' +
          'not applicable; "every street and town" expanded). Late includes tasks reported late and tasks past ' +
          'their due date not done. Figures are the units’ own reports as of production.',
        noIndicators: 'No manual-entry indicators in this district this month.',
        noOverdue: 'No task is overdue at the end of the month.',
      };
}
