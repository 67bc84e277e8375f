/** The monthly 调度 report as a web page / e-mail body, from the same tables as the XLSX (dispatch-tables.ts). */
import type { TaskDispatchData } from '../report-types.js';
import {
  dispatchIndicatorTable,
  dispatchNotes,
  dispatchOverdueTable,
  dispatchSummaryTable,
  dispatchSupersedes,
  dispatchTitle,
  dispatchUnitTable,
  planName,
} from './dispatch-tables.js';
import { DASH, districtName, escapeHtml, fixed, monthLabel, producedAtLabel } from './format.js';
import { documentFrame, paren, type RenderContext } from './html-shared.js';
import { t } from './labels.js';
import type { Table } from './table-rows.js';

function cell(v: string | number | null, numFmt: string | undefined, alert: boolean): string {
  if (v === null) return `<td class="c">${DASH}</td>`;
  if (typeof v === 'number') {
    const d = numFmt?.includes('.') ? numFmt.split('.')[1]!.length : 0;
    return `<td class="num${alert && v > 0 ? ' up' : ''}">${fixed(v, d)}</td>`;
  }
  return `<td>${escapeHtml(v)}</td>`;
}

/**
 * `alertCols`: columns whose non-zero numbers are shown in red (late, not reported); `total`: the last row
 * is the plan's total, printed bold.
 */
function htmlTable(table: Table, alertCols: ReadonlySet<number> = new Set(), total = false): string {
  const head = table.columns.map((c) => `<th>${escapeHtml(c.header)}</th>`).join('');
  const last = table.rows.length - 1;
  const body = table.rows
    .map((r, n) => {
      const cells = r.map((v, i) => cell(v, table.columns[i]?.numFmt, alertCols.has(i))).join('');
      return total && n === last ? `<tr style="font-weight:700">${cells}</tr>` : `<tr>${cells}</tr>`;
    })
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const RED = new Set([4, 6]);

export function renderDispatchHtml(
  data: TaskDispatchData,
  ctx: RenderContext,
): { html: string; title: string } {
  const { locale } = ctx;
  const zh = locale === 'zh-CN';
  const title = dispatchTitle(data, locale);
  const notes = dispatchNotes(locale);
  const sep = zh ? '：' : ': ';
  const supersedes =
    ctx.supersedes !== null ? ` · ${escapeHtml(dispatchSupersedes(locale, ctx.supersedes))}` : '';
  const parts = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="sub">${escapeHtml(`${districtName(data.scope, locale)} · ${monthLabel(data.month, locale)}`)}${escapeHtml(paren(locale, t(locale, 'version', { n: ctx.version })))}</p>`,
    `<p class="meta">${escapeHtml(t(locale, 'produced'))}${sep}${producedAtLabel(ctx.producedAt)}${supersedes}</p>`,
    `<p class="note">${escapeHtml(notes.basis)}</p>`,
    `<h2>${zh ? '一、总体情况' : '1. Overview'}</h2>`,
    data.plans.length === 0
      ? `<p>${zh ? '本月无应上报进展的任务。' : 'No task was due a report this month.'}</p>`
      : htmlTable(dispatchSummaryTable(data, locale), RED),
    `<h2>${zh ? '二、各责任单位上报情况' : '2. By responsible unit'}</h2>`,
    ...data.plans.map(
      (p) =>
        `<h3>${escapeHtml(planName(p, locale))}${p.documentNo ? escapeHtml(paren(locale, p.documentNo)) : ''}</h3>\n${htmlTable(dispatchUnitTable(p, locale), RED, true)}`,
    ),
    `<h2>${zh ? '三、逾期未完成任务' : '3. Overdue tasks'}</h2>`,
    data.overdue.length === 0
      ? `<p>${escapeHtml(notes.noOverdue)}</p>`
      : // Eight columns of words: on a phone the table scrolls sideways instead of breaking every word.
        `<div style="overflow-x:auto"><div style="min-width:170mm">${htmlTable(dispatchOverdueTable(data, locale))}</div></div>`,
    `<h2>${zh ? '四、手工填报指标' : '4. Manually reported indicators'}</h2>`,
    data.manualIndicators === null || data.manualIndicators.length === 0
      ? `<p class="note">${escapeHtml(notes.noIndicators)}</p>`
      : htmlTable(dispatchIndicatorTable(data, locale)),
  ];
  return { html: documentFrame(locale, title, parts.join('\n')), title };
}
