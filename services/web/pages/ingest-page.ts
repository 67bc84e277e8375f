/** Ingestion for operators: sources with their last run, recent batches, and open refused rows to fix. */
import type { BatchRow, RefusedRow, SourceRow } from '../../api/queries/ingest-read.js';
import type { DeviceStatsRow } from '../../ingest/hj212/device-queries.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField, fmtTime, layout, type PageContext } from '../layout.js';

export function ingestPage(
  pc: PageContext,
  d: {
    sources: SourceRow[];
    batches: BatchRow[];
    refused: RefusedRow[];
    devices: DeviceStatsRow[];
    notice: string | null;
  },
): SafeHtml {
  const { t } = pc;
  const canWrite = pc.principal !== null && !pc.principal.readOnly;
  const body = html` ${d.notice ? html`<p class="notice" role="status">${d.notice}</p>` : ''}
    <h2>${t('sources')}</h2>
    <div class="table-wrap" tabindex="0">
      <table id="sources">
        <thead>
          <tr>
            <th>${t('sources')}</th>
            <th>${t('lastSuccess')}</th>
            <th>${t('newestData')}</th>
            <th>${t('lastBatch')}</th>
            <th class="num">${t('refusedRows')}</th>
          </tr>
        </thead>
        <tbody>
          ${
            d.sources.length === 0
              ? html`<tr>
                  <td colspan="5" class="muted">${t('noData')}</td>
                </tr>`
              : ''
          }
          ${d.sources.map(
            (s) =>
              html`<tr>
                <td>
                  ${s.source_id}${s.stale_since ? html` <span class="badge s-at_risk">stale</span>` : ''}${s.last_error ? html`<div class="muted">${s.last_error}</div>` : ''}
                </td>
                <td>${fmtTime(s.last_success_at)}</td>
                <td>${fmtTime(s.last_data_at)}</td>
                <td>
                  ${s.last_batch_id ? html`#${s.last_batch_id} ${s.last_batch_status ?? ''} (${s.last_batch_received ?? 0}/${s.last_batch_refused ?? 0})` : '—'}
                </td>
                <td class="num">${s.open_refused}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${d.devices.length > 0 ? devicesTable(pc, d.devices) : ''}
    <h2>${t('batch')}</h2>
    <div class="table-wrap" tabindex="0">
      <table id="batches">
        <thead>
          <tr>
            <th>#</th>
            <th>${t('sources')}</th>
            <th>${t('state')}</th>
            <th class="num">${t('received')}</th>
            <th class="num">${t('refused')}</th>
            <th>${t('produced')}</th>
          </tr>
        </thead>
        <tbody>
          ${d.batches.map(
            (b) =>
              html`<tr>
                <td>${b.id}</td>
                <td>
                  ${b.source_id}
                  <div class="muted">${b.adapter} ${b.origin ?? ''}</div>
                </td>
                <td>${b.status}${b.error ? html`<div class="muted">${b.error}</div>` : ''}</td>
                <td class="num">${b.received}</td>
                <td class="num">${b.refused}</td>
                <td>${fmtTime(b.started_at)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <h2>${t('refusedRows')}</h2>
    <div class="table-wrap" tabindex="0">
      <table id="refused">
        <thead>
          <tr>
            <th>#</th>
            <th>${t('reason')}</th>
            <th>${t('rawRow')}</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${
            d.refused.length === 0
              ? html`<tr>
                  <td colspan="4" class="muted">${t('noRefused')}</td>
                </tr>`
              : ''
          }
          ${d.refused.map(
            (r) =>
              html`<tr data-refused-id="${r.id}">
                <td>
                  ${r.id}
                  <div class="muted">${t('batch')} ${r.batch_id}</div>
                </td>
                <td>
                  ${r.reason_code}
                  <div class="muted">${r.reason_detail}</div>
                </td>
                <td><pre class="raw">${JSON.stringify(r.raw, null, 1)}</pre></td>
                <td>
                  ${
                    canWrite
                      ? html`<form method="post" action="/ingest/refused/${r.id}/reprocess">
                            ${csrfField(pc)}<button type="submit">${t('reprocess')}</button>
                          </form>
                          <form method="post" action="/ingest/refused/${r.id}/discard">
                            ${csrfField(pc)}<input
                              type="hidden"
                              name="reason"
                              value="discarded from the dashboard"
                            /><button class="secondary" type="submit">${t('discard')}</button>
                          </form>`
                      : ''
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  return layout(pc, t('ingestion'), body, 'ingestion');
}

/** What the HJ 212 receiver saw of each MN (registered or not): the operator's view of the field devices. */
export function devicesTable(pc: PageContext, devices: DeviceStatsRow[]): SafeHtml {
  const { t } = pc;
  return html`<h2>${t('hj212Devices')}</h2>
    <div class="table-wrap" tabindex="0">
      <table id="hj212-devices">
        <thead>
          <tr>
            <th>MN</th>
            <th>${t('hj212Site')}</th>
            <th>${t('hj212LastSeen')}</th>
            <th class="num">${t('hj212Packets')}</th>
            <th class="num">${t('hj212Rows')}</th>
            <th>${t('hj212Refusals')}</th>
            <th>${t('hj212Crc')}</th>
          </tr>
        </thead>
        <tbody>
          ${devices.map(
            (d) =>
              html`<tr>
                <td>
                  ${d.mn}${d.registered ? '' : html` <span class="badge s-at_risk">?</span>`}${d.stale_since ? html` <span class="badge s-at_risk">stale</span>` : ''}
                  <div class="muted">HJ 212-${d.protocol_version ?? '—'}</div>
                </td>
                <td>${d.site_id ?? '—'}</td>
                <td>${fmtTime(d.last_seen_at)}</td>
                <td class="num">${d.packets} (${d.acked})</td>
                <td class="num">${d.rows_written}</td>
                <td>
                  ${
                    Object.entries(d.refusals)
                      .map(([code, n]) => `${code} ${n}`)
                      .join(', ') || '—'
                  }
                </td>
                <td>${d.crc_modbus > 0 ? `MODBUS ${d.crc_modbus} / ` : ''}App. A ${d.crc_standard}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}
