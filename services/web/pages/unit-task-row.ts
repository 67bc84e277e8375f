/**
 * One task on the unit's page, compact enough for a phone (issue #16/#17 leftover): its name, id, deadline
 * and this month's state on three short lines; the report form, the month's text and its file fold away in a
 * <details> opened on demand (the one just saved opens by itself). The form is as before: pre-filled with
 * the month's report or the last one, an optional file up to 5 MB, posted back without script.
 */
import type { TaskFilter } from '../../api/views/unit-task-sections.js';
import { taskMonthState } from '../../api/views/unit-task-sections.js';
import type { UnitTask, UnitTasksView } from '../../api/views/unit-tasks.js';
import { labelOf, TASK_PROGRESS_LABELS } from '../../labels/catalogue.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField, fmtTime, type PageContext } from '../layout.js';
import type { TaskTranslate } from './task-words.js';

const STATUSES = ['not_started', 'in_progress', 'done', 'late', 'not_applicable'] as const;
const ACCEPT = '.pdf,.png,.jpg,.jpeg,.xlsx,.xls,.docx,.doc';

export function monthLabel(pc: PageContext, month: string): string {
  return pc.locale === 'en' ? month : `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
}

export function statusWord(pc: PageContext, status: string): string {
  const l = labelOf(TASK_PROGRESS_LABELS, status);
  return pc.locale === 'en' ? l.en : l.zh;
}

export function hidden(fields: Record<string, string>): SafeHtml[] {
  return Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`);
}

/** The view the page was opened with, carried through a save so the official comes back to the same list. */
export interface ListView {
  filter: TaskFilter;
  q: string;
}

function stateLine(pc: PageContext, w: TaskTranslate, t: UnitTask): SafeHtml {
  const p = t.progress;
  const state = taskMonthState(t);
  if (state === 'reported' && p !== null)
    return html`<span class="badge st-${p.status}"
      >${w('thisMonth', { status: statusWord(pc, p.status) })}</span
    >`;
  if (state === 'closed' && p !== null)
    return html`<span class="badge st-${p.status}"
      >${w('closed', { month: monthLabel(pc, p.month.slice(0, 7)), status: statusWord(pc, p.status) })}</span
    >`;
  return html`<span class="owed">${w('unreportedShort')}</span>${
      p !== null
        ? html`<span class="prefill"
            >${w('lastTime', { month: monthLabel(pc, p.month.slice(0, 7)), status: statusWord(pc, p.status) })}</span
          >`
        : ''
    }`;
}

function reportDetails(pc: PageContext, w: TaskTranslate, v: UnitPageView, t: UnitTask): SafeHtml {
  const p = t.progress;
  const q = `${encodeURIComponent(t.id)}/${encodeURIComponent(v.unitId)}/${v.month}`;
  return html`<p class="muted">${t.section} ${t.seq} · ${w('source')} ${t.source}</p>
    ${
      p?.prefilled && taskMonthState(t) === 'unreported'
        ? html`<p class="prefill-hint">
            ${w('prefilledForm', { month: monthLabel(pc, p.month.slice(0, 7)) })}
          </p>`
        : ''
    }
    ${
      p && !p.prefilled
        ? html`<p class="muted">${w('reportedBy', { who: p.reported_by, at: fmtTime(p.reported_at) })}</p>`
        : ''
    }
    ${p?.note ? html`<p class="note">${p.note}</p>` : ''}
    ${
      p && !p.prefilled && p.attachment_name
        ? html`<p>${w('currentFile')}: <a href="/tasks/attachment/${q}">${p.attachment_name}</a></p>`
        : ''
    }`;
}

function reportForm(pc: PageContext, w: TaskTranslate, v: UnitPageView, t: UnitTask, lv: ListView): SafeHtml {
  const chosen = t.progress?.status ?? null;
  const back: Record<string, string> = { task: t.id, unit: v.unitId, month: v.month };
  if (lv.filter !== 'all') back.filter = lv.filter;
  if (lv.q !== '') back.q = lv.q;
  return html`<form method="post" action="/tasks/progress" enctype="multipart/form-data" class="task-form">
    ${csrfField(pc)} ${hidden(back)}
    <fieldset class="statuses">
      ${STATUSES.map(
        (s) =>
          html`<label class="status-choice"
            ><input type="radio" name="status" value="${s}" required ${chosen === s ? 'checked' : ''} />
            ${statusWord(pc, s)}</label
          >`,
      )}
    </fieldset>
    <label
      >${w('note')}
      <textarea name="note" rows="3" maxlength="2000" placeholder="${w('notePlaceholder')}">
${t.progress?.note ?? ''}</textarea>
    </label>
    <label>${w('file')} <input type="file" name="file" accept="${ACCEPT}" /></label>
    <button type="submit">${w('save')}</button>
  </form>`;
}

export type UnitPageView = Extract<UnitTasksView, { kind: 'unit' }>;

/** `open`: the task just saved or refused — its form shows, with a ✓ when the month now has its report. */
export function taskRow(
  pc: PageContext,
  w: TaskTranslate,
  v: UnitPageView,
  t: UnitTask,
  lv: ListView,
  open: boolean,
): SafeHtml {
  const p = t.progress;
  const current = p !== null && !p.prefilled;
  return html`<article class="task-row" id="task-${t.id}">
    <p class="key">
      ${t.name_zh || `${t.section} ${t.seq}`} <span class="tid">${t.id}</span>
      <span class="badge role-${t.role ?? 'assist'}">${t.role === 'main' ? w('main') : w('assist')}</span>
    </p>
    <p class="state">
      <span class="muted">${w('deadline')}: ${t.deadline_zh || '—'}</span> ${stateLine(pc, w, t)}
      ${open && current ? html`<span class="saved" role="status">✓ ${w('savedShort')}</span>` : ''}
    </p>
    ${
      v.canWrite
        ? html`<details class="task-edit" ${open ? 'open' : ''}>
            <summary>${current ? w('edit') : w('report')}</summary>
            ${reportDetails(pc, w, v, t)} ${reportForm(pc, w, v, t, lv)}
          </details>`
        : reportDetails(pc, w, v, t)
    }
  </article>`;
}
