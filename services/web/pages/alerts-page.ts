/** The alerts inbox: filters, and each alert with an acknowledge form (comment optional). */
import type { AlertRow } from '../../api/queries/alert-read.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n.js';
import { csrfField, fmtTime, layout, type PageContext } from '../layout.js';
import { opsWords } from './ops-words.js';

const STATES = ['firing', 'acknowledged', 'resolved', 'closed'] as const;
const SEVERITIES = ['critical', 'warning', 'notice'] as const;

function canAct(pc: PageContext, a: AlertRow): boolean {
  const p = pc.principal;
  if (!p || p.readOnly) return false;
  return p.role !== 'area' || a.area_id === p.areaId;
}

/**
 * One alert. `compact` (the street/town page, where a unit's alerts follow its matrix and charts) folds the
 * explanation into a <details>: four alerts with their full text took a whole desktop screen.
 */
export function alertCard(
  pc: PageContext,
  a: AlertRow,
  returnTo: string,
  opts: { compact?: boolean } = {},
): SafeHtml {
  const { t, locale } = pc;
  const title = locale === 'en' ? a.title_en : a.title_zh;
  const body = locale === 'en' ? a.body_en : a.body_zh;
  const sevColour =
    a.severity === 'critical' ? 's-breached' : a.severity === 'warning' ? 's-at_risk' : 's-none';
  const ackedLine =
    a.state === 'acknowledged' || a.acknowledged_at
      ? html`<div class="muted">
          ${t('ackBy', { who: (a.acknowledged_by ?? '').replace(/^(user|contact):/, ''), at: fmtTime(a.acknowledged_at) })}${a.ack_comment ? html` — ${a.ack_comment}` : ''}
        </div>`
      : '';
  const ackForm =
    a.state === 'firing' && canAct(pc, a)
      ? html`<form method="post" action="/alerts/${a.id}/ack">
          ${csrfField(pc)}<input type="hidden" name="return" value="${returnTo}" />
          <input
            type="text"
            class="grow"
            name="comment"
            maxlength="2000"
            placeholder="${t('comment')}"
            aria-label="${t('comment')}"
          />
          <button type="submit">${t('acknowledge')}</button>
        </form>`
      : '';
  return html`<article class="alert sev-${a.severity}" data-alert-id="${a.id}" data-state="${a.state}">
    <div class="title"><a href="/alerts/${a.id}">${title}</a></div>
    <div class="muted">
      <span class="badge ${sevColour}">${t(`severity_${a.severity}` as MessageKey)}</span>
      <span
        class="badge s-${a.state === 'firing' ? 'breached' : a.state === 'acknowledged' ? 'insufficient_data' : 'met'}"
        data-testid="alert-state"
        >${t(`state_${a.state}` as MessageKey)}</span
      >
      #${a.id} · ${t('opened')}
      ${fmtTime(a.opened_at)}${a.area_id ? html` · <a href="/areas/${a.area_id}">${locale === 'en' ? (a.area_name_en ?? a.area_id) : (a.area_name_zh ?? a.area_id)}</a>` : ''}
    </div>
    ${opts.compact ? '' : html`<p>${body}</p>`} ${ackedLine}
    ${
      // Compact (the street/town page): the folded explanation and the acknowledge form share one row, which
      // took three rows a card; opening the explanation gives it the full width (app.css .alert-row).
      opts.compact
        ? html`<div class="alert-row">
            <details class="alert-body">
              <summary>${t('explanation')}</summary>
              <p>${body}</p>
            </details>
            ${ackForm}
          </div>`
        : ackForm
    }
  </article>`;
}

export interface AlertsPageFilter {
  state: string;
  severity: string;
  area: string;
  /** Show alerts older than this id (the "older →" link). */
  before?: number | undefined;
}

export function alertsPage(
  pc: PageContext,
  alerts: AlertRow[],
  f: AlertsPageFilter,
  areas: { id: string; label: string }[],
  notice: string | null,
  hasOlder = false,
): SafeHtml {
  const { t } = pc;
  const opt = (value: string, label: string, current: string) =>
    html`<option value="${value}" ${value === current ? 'selected' : ''}>${label}</option>`;
  // The filter written out in full, an empty state (all) included: the route reads a missing state as open.
  const filterQuery = `state=${encodeURIComponent(f.state)}&severity=${encodeURIComponent(f.severity)}&area=${encodeURIComponent(f.area)}`;
  const returnTo = `/alerts?${filterQuery}${f.before ? `&before=${f.before}` : ''}`;
  const w = opsWords(pc.locale);
  const last = alerts[alerts.length - 1];
  const body = html` ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
    <form class="filters" method="get" action="/alerts">
      <label
        >${t('state')}<select name="state">
          ${opt('open', `${t('state_firing')} + ${t('state_acknowledged')}`, f.state)}${opt('', t('all'), f.state)}${STATES.map((s) => opt(s, t(`state_${s}` as MessageKey), f.state))}
        </select></label
      >
      <label
        >${t('severity')}<select name="severity">
          ${opt('', t('all'), f.severity)}${SEVERITIES.map((s) => opt(s, t(`severity_${s}` as MessageKey), f.severity))}
        </select></label
      >
      ${
        areas.length > 1
          ? html`<label
              >${t('streetsTowns')}<select name="area">
                ${opt('', t('all'), f.area)}${areas.map((a) => opt(a.id, a.label, f.area))}
              </select></label
            >`
          : ''
      }
      <button type="submit">${t('filter')}</button>
    </form>
    <div class="alert-list" id="alerts">
      ${alerts.length === 0 ? html`<p class="muted">${t('noAlerts')}</p>` : alerts.map((a) => alertCard(pc, a, returnTo))}
    </div>
    <nav class="pager" aria-label="pages">
      ${f.before ? html`<a href="/alerts?${filterQuery}">${w('newest')}</a>` : ''}
      ${hasOlder && last ? html`<a rel="next" href="/alerts?${filterQuery}&before=${last.id}">${w('older')}</a>` : ''}
    </nav>`;
  return layout(pc, t('alerts'), body, 'alerts');
}
