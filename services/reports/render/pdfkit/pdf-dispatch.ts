/**
 * The monthly 调度 report laid out with pdfkit, in the order of its web page: overview per plan, each
 * plan's units, the overdue tasks with their owners, the manual-entry indicators' section. Rows come from
 * dispatch-tables.ts, so the PDF prints the counts the spreadsheet holds.
 */
import type { TaskDispatchData } from '../../report-types.js';
import {
  dispatchIndicatorTable,
  dispatchNotes,
  dispatchOverdueTable,
  dispatchSummaryTable,
  dispatchSupersedes,
  dispatchUnitTable,
  planName,
} from '../dispatch-tables.js';
import { districtName, monthLabel, producedAtLabel } from '../format.js';
import { t } from '../labels.js';
import { footer, sharedTable, type PdfRun } from './pdf-report.js';
import { PdfWriter } from './pdf-writer.js';

/** Column shares of the overdue table on A4 portrait: the task's words need the room. */
const OVERDUE_WIDTHS = [0.13, 0.21, 0.1, 0.09, 0.08, 0.13, 0.12, 0.14];
/** A unit with tasks not reported stands out (light red, readable in grey-scale); the total row is bold. */
const NOT_REPORTED_FILL = '#fbe9e7';

export async function dispatchPdf(data: TaskDispatchData, run: PdfRun): Promise<Buffer> {
  const { locale } = run;
  const zh = locale === 'zh-CN';
  const notes = dispatchNotes(locale);
  const w = await PdfWriter.open({ title: run.title, producedAt: run.producedAt, lang: locale });
  const sep = zh ? '：' : ': ';
  const lines = [
    `${districtName(data.scope, locale)} · ${monthLabel(data.month, locale)} · ${t(locale, 'version', { n: run.version })}`,
    `${t(locale, 'produced')}${sep}${producedAtLabel(run.producedAt)}`,
  ];
  if (run.supersedes !== null) lines.push(dispatchSupersedes(locale, run.supersedes));
  w.title(run.title, lines);
  w.note(notes.basis);
  w.heading(zh ? '一、总体情况' : '1. Overview');
  if (data.plans.length === 0)
    w.paragraph(zh ? '本月无应上报进展的任务。' : 'No task was due a report this month.');
  else sharedTable(w, widen(dispatchSummaryTable(data, locale), 0.37));
  w.heading(zh ? '二、各责任单位上报情况' : '2. By responsible unit');
  for (const p of data.plans) {
    w.heading(
      p.documentNo
        ? `${planName(p, locale)}${zh ? `（${p.documentNo}）` : ` (${p.documentNo})`}`
        : planName(p, locale),
      2,
    );
    const styles = [
      ...p.units.map((u) => (u.notReported > 0 ? { fill: NOT_REPORTED_FILL } : {})),
      { bold: true },
    ];
    sharedTable(w, widen(dispatchUnitTable(p, locale), 0.3), new Set(), styles);
  }
  w.heading(zh ? '三、逾期未完成任务' : '3. Overdue tasks');
  if (data.overdue.length === 0) w.paragraph(notes.noOverdue);
  else {
    const table = dispatchOverdueTable(data, locale);
    sharedTable(w, { ...table, columns: table.columns.map((c, i) => ({ ...c, width: OVERDUE_WIDTHS[i]! })) });
  }
  w.heading(zh ? '四、手工填报指标' : '4. Manually reported indicators');
  if (data.manualIndicators === null || data.manualIndicators.length === 0) w.note(notes.noIndicators);
  else sharedTable(w, dispatchIndicatorTable(data, locale));
  return w.finish(footer(run));
}

/** The first column takes `first` of the width, the count columns share the rest. */
function widen<T extends { columns: { width: number }[] }>(table: T, first: number): T {
  const rest = (1 - first) / (table.columns.length - 1);
  return { ...table, columns: table.columns.map((c, i) => ({ ...c, width: i === 0 ? first : rest })) };
}
