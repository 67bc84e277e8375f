/**
 * Operations pages for administrators (issue 17 item 6) — audit log, contact coverage, station data coverage,
 * HJ 212 devices — and the bureau's delivery history (item 5). Tables scroll inside their box on a phone;
 * long lists are paged by id ("older →"), so a page never grows with the history.
 */
import type { AuditRow } from '../../auth/audit-log.js';
import type { CoverageGap } from '../../alerts/contact-coverage.js';
import type { DeviceStatsRow } from '../../ingest/hj212/device-queries.js';
import type {
  DeliveryHistoryRow,
  DeliveryTotalsRow,
  StationCoverageRow,
} from '../../api/queries/ops-read.js';
import { html, type SafeHtml } from '../html.js';
import { localName } from '../i18n.js';
import { fmt, fmtTime, layout, type PageContext } from '../layout.js';
import { devicesTable } from './ingest-page.js';
import { tableBox } from './table-box.js';
import { isOpsWord, opsWords } from './ops-words.js';

type Cell = SafeHtml | string | number;

/** The administrators' pages link to each other. */
function opsNav(pc: PageContext): SafeHtml {
  const w = opsWords(pc.locale);
  return html`<nav class="links" aria-label="${w('opsPages')}">
    <a href="/admin/audit">${w('auditLog')}</a><a href="/admin/contacts">${w('contactCoverage')}</a
    ><a href="/admin/coverage">${w('dataCoverageShort')}</a><a href="/admin/devices">${w('devices')}</a
    ><a href="/ingest">${pc.t('ingestion')}</a>
  </nav>`;
}

/** A table in its scrolling box: headers, rows of cells, a line when there are none. */
function dataTable(id: string, head: readonly string[], rows: readonly Cell[][], empty: string): SafeHtml {
  return tableBox(
    id,
    head,
    rows.map(
      (r) =>
        html`<tr>
          ${r.map((c) => html`<td>${c}</td>`)}
        </tr>`,
    ),
    empty,
  );
}

/** A GET filter form: one labelled input or select per field, then the submit button. */
function filterForm(pc: PageContext, action: string, fields: readonly SafeHtml[]): SafeHtml {
  return html`<form class="filters" method="get" action="${action}">
    ${fields}<button type="submit">${opsWords(pc.locale)('filter')}</button>
  </form>`;
}

function textField(label: string, name: string, value: string | undefined): SafeHtml {
  return html`<label>${label}<input type="text" name="${name}" value="${value ?? ''}" /></label>`;
}

/** "Newest" and "older →" links keeping the filter; older is offered when the page came back full. */
function pager(
  pc: PageContext,
  path: string,
  query: Record<string, string | undefined>,
  lastId: number | null,
  full: boolean,
): SafeHtml {
  const w = opsWords(pc.locale);
  const base = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => !!e[1]));
  const older = new URLSearchParams(base);
  if (lastId !== null) older.set('before', String(lastId));
  return html`<nav class="pager" aria-label="pages">
    ${query.before ? html`<a href="${path}?${base.toString()}">${w('newest')}</a>` : ''}
    ${full && lastId !== null ? html`<a rel="next" href="${path}?${older.toString()}">${w('older')}</a>` : ''}
  </nav>`;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  entity_type?: string;
  entity_id?: string;
  before?: string;
}

export function auditPage(pc: PageContext, rows: AuditRow[], f: AuditFilter, limit: number): SafeHtml {
  const w = opsWords(pc.locale);
  const change = (r: AuditRow) =>
    html`<code class="change">${r.after === null ? '' : JSON.stringify(r.after).slice(0, 160)}</code>`;
  const body = html`${filterForm(pc, '/admin/audit', [
    textField(w('actor'), 'actor', f.actor),
    textField(w('action'), 'action', f.action),
    textField(w('objectType'), 'entity_type', f.entity_type),
    textField(w('objectId'), 'entity_id', f.entity_id),
  ])}
  ${dataTable(
    'audit',
    ['#', pc.t('sentAt'), w('actor'), w('action'), w('object'), w('change')],
    rows.map((r) => [
      r.id,
      fmtTime(r.at),
      html`${r.actor} <span class="muted">${r.via}${r.ip ? ` ${r.ip}` : ''}</span>`,
      r.action,
      `${r.entity_type}${r.entity_id ? ` ${r.entity_id}` : ''}`,
      change(r),
    ]),
    w('none'),
  )}
  ${pager(pc, '/admin/audit', { ...f }, rows.at(-1)?.id ?? null, rows.length === limit)}`;
  return layout(pc, w('auditLog'), html`${opsNav(pc)}${body}`);
}

export function contactCoveragePage(pc: PageContext, year: number, gaps: CoverageGap[]): SafeHtml {
  const w = opsWords(pc.locale);
  const en = pc.locale === 'en';
  const body = html`<p data-testid="coverage-summary">
      ${gaps.length === 0 ? w('coverageComplete', { year }) : w('coverageGaps', { year, n: gaps.length })}
    </p>
    ${dataTable(
      'coverage-gaps',
      [w('gapKind'), w('gapName'), w('gapVia')],
      gaps.map((g) => [w(`gap_${g.kind}`), en ? g.nameEn : g.nameZh, g.viaZh ?? '—']),
      w('none'),
    )}`;
  return layout(pc, w('contactCoverage'), html`${opsNav(pc)}${body}`);
}

export function dataCoveragePage(
  pc: PageContext,
  month: string,
  expectedHours: number,
  rows: StationCoverageRow[],
): SafeHtml {
  const w = opsWords(pc.locale);
  const body = dataTable(
    'data-coverage',
    [w('siteName'), w('expectedHours'), w('receivedHours'), w('coverageRate'), w('lastValue'), w('lastAt')],
    rows.map((r) => {
      const rate = expectedHours > 0 ? (r.received_hours / expectedHours) * 100 : null;
      return [
        html`<span data-site="${r.id}">${localName(pc.locale, r.name_zh, r.name_en)}</span
          >${r.is_example ? html` <span class="muted">(${w('example')})</span>` : ''}`,
        expectedHours,
        html`<span data-testid="received">${r.received_hours}</span>`,
        html`<span class="${rate !== null && rate < 75 ? 'over-target' : ''}"
          >${rate === null ? '—' : `${rate.toFixed(0)}%`}</span
        >`,
        fmt(r.last_value),
        fmtTime(r.last_at),
      ];
    }),
    w('none'),
  );
  return layout(pc, w('dataCoverage', { month }), html`${opsNav(pc)}${body}`);
}

export function devicesPage(pc: PageContext, devices: DeviceStatsRow[]): SafeHtml {
  const w = opsWords(pc.locale);
  const body =
    devices.length === 0 ? html`<p class="muted">${w('noDevices')}</p>` : devicesTable(pc, devices);
  return layout(pc, w('devices'), html`${opsNav(pc)}${body}`);
}

export interface DeliveryQuery {
  person?: string;
  channel?: string;
  failed?: string;
  before?: string;
}

export function deliveriesPage(
  pc: PageContext,
  q: DeliveryQuery,
  rows: DeliveryHistoryRow[],
  totals: DeliveryTotalsRow[],
  limit: number,
): SafeHtml {
  const w = opsWords(pc.locale);
  const channelWord = (c: string) => (c === 'email' || c === 'sms' ? w(`channel_${c}`) : c);
  // A status the book does not know (a later migration's) shows as stored rather than as a blank.
  const word = (key: string) => (isOpsWord(key) ? w(key) : key.replace(/^[a-z]+_/, ''));
  const people = [
    ...new Map(totals.map((t) => [t.recipient_id, t.recipient_name ?? t.recipient_id])).entries(),
  ];
  const option = (value: string, label: string, current: string | undefined) =>
    html`<option value="${value}" ${value === (current ?? '') ? 'selected' : ''}>${label}</option>`;
  const body = html`${filterForm(pc, '/deliveries', [
      html`<label
        >${w('person')}<select name="person">
          ${option('', w('allPeople'), q.person)}${people.map(([id, name]) => option(id, name, q.person))}
        </select></label
      >`,
      html`<label
        >${w('channel')}<select name="channel">
          ${option('', w('allChannels'), q.channel)}${option('email', w('channel_email'), q.channel)}${option('sms', w('channel_sms'), q.channel)}
        </select></label
      >`,
      html`<label class="check"
        ><input
          type="checkbox"
          name="failed"
          value="1"
          ${q.failed ? 'checked' : ''}
        />${w('failuresOnly')}</label
      >`,
    ])}
    <h2>${w('byPerson')}</h2>
    ${dataTable(
      'delivery-totals',
      [w('person'), w('channel'), w('total'), w('sent'), w('failed'), w('pending')],
      totals.map((t) => [
        t.recipient_name ?? t.recipient_id,
        channelWord(t.channel),
        t.total,
        t.sent,
        html`<span class="${t.failed > 0 ? 'over-target' : ''}">${t.failed}</span>`,
        t.pending,
      ]),
      w('none'),
    )}
    <h2>${w('deliveryHistory')}</h2>
    ${dataTable(
      'deliveries',
      ['#', w('alert'), w('person'), w('channel'), w('status'), w('attempts'), w('sentAt'), w('lastError')],
      rows.map((d) => [
        d.id,
        d.alert_id
          ? html`<span class="wide-cell"
              ><a href="/alerts/${d.alert_id}">#${d.alert_id}</a> ${d.alert_title ?? ''}</span
            >`
          : '—',
        d.recipient_name ?? d.recipient_id,
        channelWord(d.channel),
        html`<span data-status="${d.status}"
          >${word(`ds_${d.status}`)}${d.receipt_status ? ` / ${word(`rc_${d.receipt_status}`)}` : ''}</span
        >`,
        d.attempts,
        fmtTime(d.sent_at ?? d.created_at),
        d.last_error ?? '',
      ]),
      w('none'),
    )}
    ${pager(pc, '/deliveries', { ...q }, rows.at(-1)?.id ?? null, rows.length === limit)}`;
  return layout(pc, w('deliveryHistory'), body);
}
