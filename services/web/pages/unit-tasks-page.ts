/**
 * The unit's monthly task page (issue 16 item 2): its manual indicators (value, note, the target's verdict)
 * and its tasks, each a small form pre-filled with the month's report or last month's (status, progress text,
 * an optional file). One form per task so that saving one never loses what was typed in another; forms post
 * back and redirect to the task (no script). A bureau without ?unit= gets the list of units and their counts.
 */
import type { UnitIndicator } from '../../api/views/unit-indicators.js';
import type { UnitTask, UnitTasksView } from '../../api/views/unit-tasks.js';
import { labelOf, TASK_PROGRESS_LABELS } from '../../labels/catalogue.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField, fmtTime, layout, statusBadge, type PageContext } from '../layout.js';
import { taskWords, type TaskTranslate } from './task-words.js';

const STATUSES = ['not_started', 'in_progress', 'done', 'late', 'not_applicable'] as const;
const ACCEPT = '.pdf,.png,.jpg,.jpeg,.xlsx,.xls,.docx,.doc';

function monthLabel(pc: PageContext, month: string): string {
  return pc.locale === 'en' ? month : `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
}

function statusWord(pc: PageContext, status: string): string {
  const l = labelOf(TASK_PROGRESS_LABELS, status);
  return pc.locale === 'en' ? l.en : l.zh;
}

function hidden(fields: Record<string, string>): SafeHtml[] {
  return Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`);
}

function requirement(pc: PageContext, w: TaskTranslate, i: UnitIndicator): string {
  const unit = i.unit === '%' ? '%' : pc.locale === 'en' ? ` ${i.unit}` : i.unit_zh;
  return i.min !== null ? w('atLeast', { x: i.min, unit }) : w('atMost', { x: i.max ?? '—', unit });
}

function indicatorCard(
  pc: PageContext,
  w: TaskTranslate,
  v: Extract<UnitTasksView, { kind: 'unit' }>,
  i: UnitIndicator,
): SafeHtml {
  const r = i.reported;
  const current = r !== null && !r.prefilled;
  return html`<article class="task-card" id="ind-${i.target_id}-${i.scope_id}">
    <header>
      <span class="tid">${i.target_id}</span>
      ${statusBadge(pc, i.status ?? 'none')}
    </header>
    <p class="key">
      ${pc.locale === 'en' ? i.title_en : i.title_zh}${i.scope_id !== v.unitId && i.scope_zh ? ` · ${i.scope_zh}` : ''}
    </p>
    <p class="muted">${w('requirement')}: ${requirement(pc, w, i)} · ${w('source')} ${i.source}</p>
    ${
      r === null
        ? html`<p class="muted">${w('notReported')}</p>`
        : r.prefilled
          ? html`<p class="prefill">${w('prefilled', { month: monthLabel(pc, r.month) })}</p>`
          : html`<p class="muted">${w('reportedBy', { who: r.reported_by, at: fmtTime(r.reported_at) })}</p>`
    }
    ${
      v.canWrite
        ? html`<form method="post" action="/tasks/indicators" class="task-form">
            ${csrfField(pc)}
            ${hidden({ target: i.target_id, unit: v.unitId, scope: i.scope_id, month: v.month })}
            <label
              >${w('value')}（${pc.locale === 'en' ? i.unit : i.unit_zh}）
              <input
                type="number"
                name="value"
                step="any"
                inputmode="decimal"
                required
                value="${current ? String(r.value) : ''}"
                placeholder="${r?.prefilled ? String(r.value) : ''}"
            /></label>
            <label
              >${w('indicatorNote')} <textarea name="note" rows="2">${current ? r.note : ''}</textarea>
            </label>
            <button type="submit">${w('save')}</button>
          </form>`
        : ''
    }
  </article>`;
}

function taskCard(
  pc: PageContext,
  w: TaskTranslate,
  v: Extract<UnitTasksView, { kind: 'unit' }>,
  t: UnitTask,
  open: boolean,
): SafeHtml {
  const p = t.progress;
  const chosen = p?.status ?? null;
  const q = `${encodeURIComponent(t.id)}/${encodeURIComponent(v.unitId)}/${v.month}`;
  return html`<article class="task-card" id="task-${t.id}">
    <header>
      <span class="tid">${t.id}</span>
      <span class="badge role-${t.role ?? 'assist'}">${t.role === 'main' ? w('main') : w('assist')}</span>
      ${p && !p.prefilled ? html`<span class="badge st-${p.status}">${statusWord(pc, p.status)}</span>` : ''}
      ${open && p && !p.prefilled ? html`<span class="saved" role="status">✓ ${w('savedShort')}</span>` : ''}
    </header>
    <p class="key">${t.section} ${t.seq} · ${t.key_task_zh}</p>
    <p class="muted">${w('deadline')}: ${t.deadline_zh || '—'} · ${w('source')} ${t.source}</p>
    ${
      p === null
        ? html`<p class="muted">${w('notReported')}</p>`
        : p.prefilled
          ? html`<p class="prefill">
              ${w('prefilledTask', { month: monthLabel(pc, p.month.slice(0, 7)), status: statusWord(pc, p.status) })}
            </p>`
          : html`<p class="muted">${w('reportedBy', { who: p.reported_by, at: fmtTime(p.reported_at) })}</p>`
    }
    ${p?.note ? html`<p class="note">${p.note}</p>` : ''}
    ${
      p && !p.prefilled && p.attachment_name
        ? html`<p>${w('currentFile')}: <a href="/tasks/attachment/${q}">${p.attachment_name}</a></p>`
        : ''
    }
    ${
      v.canWrite
        ? html`<details class="task-edit" ${open ? 'open' : ''}>
            <summary>${p !== null && !p.prefilled ? w('edit') : w('report')}</summary>
            <form method="post" action="/tasks/progress" enctype="multipart/form-data" class="task-form">
              ${csrfField(pc)} ${hidden({ task: t.id, unit: v.unitId, month: v.month })}
              <fieldset class="statuses">
                ${STATUSES.map(
                  (s) =>
                    html`<label class="status-choice"
                      ><input
                        type="radio"
                        name="status"
                        value="${s}"
                        required
                        ${chosen === s ? 'checked' : ''}
                      />
                      ${statusWord(pc, s)}</label
                    >`,
                )}
              </fieldset>
              <label
                >${w('note')}
                <textarea name="note" rows="3" maxlength="2000" placeholder="${w('notePlaceholder')}">
${p?.note ?? ''}</textarea>
              </label>
              <label>${w('file')} <input type="file" name="file" accept="${ACCEPT}" /></label>
              <button type="submit">${w('save')}</button>
            </form>
          </details>`
        : ''
    }
  </article>`;
}

function monthPicker(pc: PageContext, w: TaskTranslate, month: string, unit: string | null): SafeHtml {
  return html`<form method="get" action="/tasks" class="filters">
    ${unit !== null && pc.principal?.role !== 'unit' ? hidden({ unit }) : ''}
    <label>${w('month')} <input type="month" name="month" value="${month}" required /></label>
    <button type="submit" class="secondary">${w('show')}</button>
  </form>`;
}

/** `openTask`: the task whose form is shown open (the one just saved or refused); the rest are folded. */
export function unitTasksPage(
  pc: PageContext,
  v: UnitTasksView,
  notice: string | null,
  openTask: string | null = null,
): SafeHtml {
  const w = taskWords(pc.locale);
  const noticeHtml = notice ? html`<p class="notice" role="status">${notice}</p>` : '';
  if (v.kind === 'units') {
    const body = html`${noticeHtml}${monthPicker(pc, w, v.month, null)}
      <div class="table-wrap">
        <table class="wide" id="units">
          <thead>
            <tr>
              <th scope="col">${w('unit')}</th>
              <th scope="col" class="num">${w('taskCount')}</th>
              <th scope="col" class="num">${w('reportedCount')}</th>
            </tr>
          </thead>
          <tbody>
            ${v.units.map(
              (u) =>
                html`<tr>
                  <td>
                    <a href="/tasks?unit=${u.unit_id}&month=${v.month}"
                      >${pc.locale === 'en' ? u.name_en : u.name_zh}</a
                    >
                  </td>
                  <td class="num">${u.tasks}</td>
                  <td class="num">${u.reported}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
    return layout(pc, w('unitsTitle', { month: monthLabel(pc, v.month) }), body, 'tasks');
  }
  const reported = v.tasks.filter((t) => t.progress !== null && !t.progress.prefilled).length;
  const body = html`${noticeHtml}
    <p class="muted">
      ${w('summary', { tasks: v.tasks.length, reported, indicators: v.indicators.length })}
      <a
        href="/api/tasks/ledger.xlsx?month=${v.month}${pc.principal?.role === 'unit' ? '' : `&unit=${v.unitId}`}"
        >${w('ledger')}</a
      >
    </p>
    ${v.canWrite ? '' : html`<p class="muted">${w('readOnly')}</p>`} ${monthPicker(pc, w, v.month, v.unitId)}
    ${
      v.indicators.length > 0
        ? html`<h2>${w('indicators')}</h2>
            <p class="muted">${w('indicatorsHint')}</p>
            <div class="task-list">${v.indicators.map((i) => indicatorCard(pc, w, v, i))}</div>`
        : ''
    }
    <h2>${w('tasks')}</h2>
    ${
      v.tasks.length === 0
        ? html`<p class="muted">${w('noTasks')}</p>`
        : html`<div class="task-list">${v.tasks.map((t) => taskCard(pc, w, v, t, t.id === openTask))}</div>`
    }`;
  return layout(pc, w('title', { unit: v.unitName, month: monthLabel(pc, v.month) }), body, 'tasks');
}
