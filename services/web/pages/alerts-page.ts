/** The alerts inbox: filters, and each alert as a compact card with an acknowledge form (comment optional). */
import type { AlertRow } from '../../api/queries/alert-read.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n.js';
import { csrfField, fmtTime, layout, type PageContext } from '../layout.js';
import { toShanghaiDay } from '../../time/shanghai.js';
import { opsWords } from './ops-words.js';

const STATES = ['firing', 'acknowledged', 'resolved', 'closed'] as const;
const SEVERITIES = ['critical', 'warning', 'notice'] as const;

function canAct(pc: PageContext, a: AlertRow): boolean {
  const p = pc.principal;
  if (!p || p.readOnly) return false;
  return p.role !== 'area' || a.area_id === p.areaId;
}

/** A measured value as a card shows it: three significant figures are enough to read it against its target. */
function figure(v: number): string {
  const abs = Math.abs(v);
  return String(Number(v.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : 2)));
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The one figure an official reads an alert by, from the facts its messages quote: a target's value against
 * its target value, a heavy-pollution warning's level, a task reminder's count or days left — and the day it
 * is due by (a target's deadline, a task's due day, a report's cut-off). Empty where the alert has none.
 */
export function keyFacts(pc: PageContext, a: AlertRow): { figure: string | null; due: string | null } {
  const w = opsWords(pc.locale);
  const en = pc.locale === 'en';
  const f = a.facts;
  const value = num(f.value);
  const threshold = num(f.threshold);
  const unit = str(en ? f.unitEn : f.unitZh);
  let fig: string | null = null;
  if (a.kind === 'target' && value !== null) {
    // A rank or heavy-day rule counts times and days, whatever its metric's unit (a rank's is 名).
    const counted =
      a.rule_kind === 'rank_frequency' ? 'cardTimes' : a.rule_kind === 'heavy_days' ? 'cardDays' : null;
    const unitShown = unit === null || unit === '无量纲' || unit === '1' ? '' : `${en ? ' ' : ''}${unit}`;
    const measured = counted ? w(counted, { n: figure(value) }) : `${figure(value)}${unitShown}`;
    const target =
      threshold === null ? null : counted ? w(counted, { n: figure(threshold) }) : figure(threshold);
    fig =
      target === null
        ? w('cardValue', { value: measured })
        : w('cardValueTarget', { value: measured, target });
  } else if (a.kind === 'heavy_pollution_warning' && str(en ? f.levelEn : f.levelZh)) {
    fig = w('cardWarningLevel', { level: str(en ? f.levelEn : f.levelZh)! });
  } else if (a.kind === 'task_report_missing' && num(f.missing) !== null) {
    fig = w('cardMissing', { n: String(num(f.missing)) });
  } else if (a.kind === 'task_due_soon' && num(f.workingDays) !== null) {
    fig = w('cardWorkingDays', { n: String(num(f.workingDays)) });
  }
  const day = str(f.deadline) ?? str(f.due) ?? str(f.cutoff);
  return { figure: fig, due: day === null ? null : w('cardDue', { day }) };
}

/**
 * One alert as a compact card: title, severity and state, scope, when it opened, its key figure and due day,
 * and the acknowledge form in sight; the full explanation folds into a <details> (it works without script;
 * the alert's own page shows it in full: `fullText`). The inbox showed every explanation: 48 open alerts of the quarter demo
 * were 24 screens on a 390 px phone, the first two alerts a whole screen.
 */
export function alertCard(
  pc: PageContext,
  a: AlertRow,
  returnTo: string,
  opts: { fullText?: boolean } = {},
): SafeHtml {
  const { t, locale } = pc;
  const title = locale === 'en' ? a.title_en : a.title_zh;
  const body = locale === 'en' ? a.body_en : a.body_zh;
  const sevColour =
    a.severity === 'critical' ? 's-breached' : a.severity === 'warning' ? 's-at_risk' : 's-none';
  const key = keyFacts(pc, a);
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
      <time datetime="${a.opened_at.toISOString()}" title="${fmtTime(a.opened_at)}"
        >${toShanghaiDay(a.opened_at)}</time
      >${a.area_id ? html` · <a class="nowrap" href="/areas/${a.area_id}">${locale === 'en' ? (a.area_name_en ?? a.area_id) : (a.area_name_zh ?? a.area_id)}</a>` : ''}
    </div>
    ${
      key.figure || key.due
        ? html`<div class="key-facts">
            ${key.figure ? html`<strong data-testid="key-figure">${key.figure}</strong>` : ''}
            ${key.figure && key.due ? ' · ' : ''}${key.due ? html`<span data-testid="due">${key.due}</span>` : ''}
          </div>`
        : ''
    }
    ${ackedLine}
    ${
      // The folded explanation and the acknowledge form share one row; opening the explanation gives it the
      // full width (app.css .alert-row).
      opts.fullText
        ? html`<p class="alert-text">${body}</p>
            ${ackForm}`
        : html`<div class="alert-row">
            <details class="alert-body">
              <summary>${t('explanation')}</summary>
              <p>${body}</p>
            </details>
            ${ackForm}
          </div>`
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
