/**
 * An alert's page: the alert (acknowledge there), the evaluation history behind it, its events with comments,
 * and every delivery (who, channel, status, attempts, when sent or why it failed). Addresses are for admins.
 */
import type { AlertDetail } from '../../api/views/alert-detail.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField, fmt, fmtTime, layout, statusBadge, type PageContext } from '../layout.js';
import { alertCard } from './alerts-page.js';
import { dashWords, type DashTranslate } from './dash-words.js';
import { tableBox } from './table-box.js';

function table(head: string[], rows: SafeHtml[], id: string, w: DashTranslate): SafeHtml {
  return tableBox(id, head, rows, w('noRows'), 'wide');
}

function eventText(detail: unknown): string {
  if (detail && typeof detail === 'object' && 'text' in detail)
    return String((detail as { text: unknown }).text);
  if (detail && typeof detail === 'object' && Object.keys(detail).length > 0) return JSON.stringify(detail);
  return '';
}

export function alertDetailPage(pc: PageContext, d: AlertDetail, notice: string | null): SafeHtml {
  const { t, locale } = pc;
  const w = dashWords(locale);
  const a = d.alert;
  const admin = pc.principal?.role === 'admin';
  const canComment =
    pc.principal &&
    !pc.principal.readOnly &&
    (pc.principal.role !== 'area' || a.area_id === pc.principal.areaId);
  const body = html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
    ${alertCard(pc, a, `/alerts/${a.id}`, { fullText: true })}
    ${
      canComment
        ? html`<form method="post" action="/alerts/${a.id}/comment" class="filters" id="comment-form">
            ${csrfField(pc)}
            <input
              type="text"
              class="grow"
              name="text"
              required
              maxlength="2000"
              aria-label="${w('addComment')}"
              placeholder="${w('addComment')}"
            />
            <button type="submit">${w('addComment')}</button>
          </form>`
        : ''
    }
    <h2>${w('evaluations')}</h2>
    ${table(
      [t('asOf'), t('state'), t('value'), t('threshold'), t('explanation')],
      d.evaluations.map(
        (e) =>
          html`<tr data-evaluation="${e.evaluationId}">
            <td>
              ${e.asOf}
              <div class="muted">${e.final ? w('final') : w('provisionalEval')}</div>
            </td>
            <td>${statusBadge(pc, e.status)}</td>
            <td class="num">${fmt(e.value)}</td>
            <td class="num">${fmt(e.threshold)}</td>
            <td>${locale === 'en' ? e.explanationEn : e.explanationZh}</td>
          </tr>`,
      ),
      'evaluations',
      w,
    )}
    <h2>${w('events')}</h2>
    ${table(
      [w('at'), w('event'), w('by'), w('detail')],
      d.events.map(
        (e) =>
          html`<tr data-event="${e.kind}">
            <td>${fmtTime(e.at)}</td>
            <td>${e.kind}</td>
            <td>${(e.actor ?? '').replace(/^(user|contact):/, '')}</td>
            <td>${eventText(e.detail)}</td>
          </tr>`,
      ),
      'events',
      w,
    )}
    <h2>${w('deliveries')}</h2>
    ${table(
      [w('recipient'), w('channel'), t('state'), w('attempts'), w('receipt')],
      d.deliveries.map(
        (x) =>
          html`<tr data-delivery="${x.id}" data-status="${x.status}">
            <td>
              ${x.recipient_name ?? x.recipient_id}
              <div class="muted">${x.recipient_role}${admin && x.address ? html` · ${x.address}` : ''}</div>
            </td>
            <td>${x.channel} · ${x.step}</td>
            <td>${x.status}</td>
            <td class="num">${x.attempts}</td>
            <td>
              ${x.sent_at ? fmtTime(x.sent_at) : ''}${x.last_error ? html`<div class="muted">${x.last_error}</div>` : ''}
            </td>
          </tr>`,
      ),
      'deliveries',
      w,
    )}`;
  return layout(pc, w('alertDetail', { id: a.id }), body, 'alerts');
}
