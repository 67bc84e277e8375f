/**
 * The unit's monthly task page (issue 16 item 2): its manual indicators (value, note, the target's verdict)
 * and its tasks grouped by the plan's sections (issue #16/#17 leftover: 159 cards were 37 phone screens) —
 * each section a <details> counted and open by itself where something is still owed, a filter and a search
 * as query parameters, each task a compact row (unit-task-row.ts) whose form opens on demand. One form per
 * task so that saving one never loses what was typed in another; forms post back and redirect to the task
 * (no script). A bureau without ?unit= gets the list of units and their counts.
 */
import type { UnitIndicator } from '../../api/views/unit-indicators.js';
import {
  countByFilter,
  groupTaskSections,
  TASK_FILTERS,
  type TaskFilter,
  type TaskSection,
} from '../../api/views/unit-task-sections.js';
import type { UnitTasksView } from '../../api/views/unit-tasks.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField, fmtTime, layout, statusBadge, type PageContext } from '../layout.js';
import { sectionName, taskWords, type TaskTranslate } from './task-words.js';
import { hidden, monthLabel, taskRow, type ListView, type UnitPageView } from './unit-task-row.js';

function requirement(pc: PageContext, w: TaskTranslate, i: UnitIndicator): string {
  const unit = i.unit === '%' ? '%' : pc.locale === 'en' ? ` ${i.unit}` : i.unit_zh;
  return i.min !== null ? w('atLeast', { x: i.min, unit }) : w('atMost', { x: i.max ?? '—', unit });
}

function indicatorCard(pc: PageContext, w: TaskTranslate, v: UnitPageView, i: UnitIndicator): SafeHtml {
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

function monthPicker(pc: PageContext, w: TaskTranslate, month: string, unit: string | null): SafeHtml {
  return html`<form method="get" action="/tasks" class="filters">
    ${unit !== null && pc.principal?.role !== 'unit' ? hidden({ unit }) : ''}
    <label>${w('month')} <input type="month" name="month" value="${month}" required /></label>
    <button type="submit" class="secondary">${w('show')}</button>
  </form>`;
}

/** The page's own address with the month, the unit (bureaus only), a filter and a search. */
function tasksHref(pc: PageContext, v: UnitPageView, lv: ListView): string {
  const q = new URLSearchParams({ month: v.month });
  if (pc.principal?.role !== 'unit') q.set('unit', v.unitId);
  if (lv.filter !== 'all') q.set('filter', lv.filter);
  if (lv.q !== '') q.set('q', lv.q);
  return `/tasks?${q.toString()}`;
}

/** Month, search and the filter kept as it is: one GET form, so it works without script. */
function listControls(pc: PageContext, w: TaskTranslate, v: UnitPageView, lv: ListView): SafeHtml {
  const counts = countByFilter(v.tasks);
  const link = (f: TaskFilter) =>
    html`<a
      href="${tasksHref(pc, v, { ...lv, filter: f })}"
      class="chip ${f === lv.filter ? 'active' : ''}"
      ${f === lv.filter ? html`aria-current="page"` : ''}
      >${w(`filter_${f}`)} <span class="n">${counts[f]}</span></a
    >`;
  const keep: Record<string, string> = {};
  if (pc.principal?.role !== 'unit') keep.unit = v.unitId;
  if (lv.filter !== 'all') keep.filter = lv.filter;
  return html`<form method="get" action="/tasks" class="filters task-search" role="search">
      ${hidden(keep)}
      <label>${w('month')} <input type="month" name="month" value="${v.month}" required /></label>
      <label class="grow"
        >${w('search')} <input type="search" name="q" value="${lv.q}" maxlength="100" enterkeyhint="search"
      /></label>
      <button type="submit" class="secondary">${w('show')}</button>
    </form>
    <div class="chips" role="group" aria-label="${w('filterLabel')}">${TASK_FILTERS.map(link)}</div>`;
}

function sectionBlock(
  pc: PageContext,
  w: TaskTranslate,
  v: UnitPageView,
  s: TaskSection,
  lv: ListView,
  openTask: string | null,
): SafeHtml {
  const plan = new Set(v.tasks.map((t) => t.plan_id)).size > 1 ? `${s.planId} · ` : '';
  return html`<details class="task-section" ${s.open ? 'open' : ''}>
    <summary>
      <h3>${plan}${sectionName(pc.locale, s.section)}</h3>
      <span class="muted">${w('sectionCounts', { total: s.total, reported: s.reported })}</span>
      ${s.unreported > 0 ? html`<span class="owed">${w('sectionOwed', { n: s.unreported })}</span>` : ''}
    </summary>
    <div class="task-list">${s.tasks.map((t) => taskRow(pc, w, v, t, lv, t.id === openTask))}</div>
  </details>`;
}

function taskSections(
  pc: PageContext,
  w: TaskTranslate,
  v: UnitPageView,
  lv: ListView,
  openTask: string | null,
): SafeHtml {
  if (v.tasks.length === 0) return html`<p class="muted">${w('noTasks')}</p>`;
  const sections = groupTaskSections(v.tasks, { ...lv, keep: openTask });
  const narrowed = lv.filter !== 'all' || lv.q !== '';
  const shown = sections.reduce((n, s) => n + s.tasks.length, 0);
  return html`${
    narrowed
      ? html`<p class="muted" role="status">
          ${shown === 0 ? w('noMatches') : w('matches', { n: shown })}
          <a href="${tasksHref(pc, v, { filter: 'all', q: '' })}">${w('clear')}</a>
        </p>`
      : ''
  }
  ${sections.map((s) => sectionBlock(pc, w, v, s, lv, openTask))}`;
}

/** `openTask`: the task whose form is shown open (the one just saved or refused); the rest are folded. */
export function unitTasksPage(
  pc: PageContext,
  v: UnitTasksView,
  notice: string | null,
  openTask: string | null = null,
  list: ListView = { filter: 'all', q: '' },
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
  const counts = countByFilter(v.tasks);
  const reported = v.tasks.filter((t) => t.progress !== null && !t.progress.prefilled).length;
  const body = html`${noticeHtml}
    <p class="muted">
      ${w('summary', { tasks: v.tasks.length, reported, indicators: v.indicators.length })}
      ${
        counts.unreported > 0
          ? html`<a href="${tasksHref(pc, v, { filter: 'unreported', q: '' })}" class="owed"
              >${w('owedNote', { n: counts.unreported })}</a
            >`
          : ''
      }
      <a
        href="/api/tasks/ledger.xlsx?month=${v.month}${pc.principal?.role === 'unit' ? '' : `&unit=${v.unitId}`}"
        >${w('ledger')}</a
      >
    </p>
    ${v.canWrite ? '' : html`<p class="muted">${w('readOnly')}</p>`}
    ${
      v.indicators.length > 0
        ? html`<h2>${w('indicators')}</h2>
            <p class="muted">${w('indicatorsHint')}</p>
            <div class="task-list">${v.indicators.map((i) => indicatorCard(pc, w, v, i))}</div>`
        : ''
    }
    <h2 id="tasks">${w('tasks')}</h2>
    ${listControls(pc, w, v, list)} ${taskSections(pc, w, v, list, openTask)}`;
  return layout(pc, w('title', { unit: v.unitName, month: monthLabel(pc, v.month) }), body, 'tasks');
}
