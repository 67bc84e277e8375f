/** The reports archive: every current report with download links (Chinese first, English available). */
import type { ReportRow } from '../../api/queries/report-read.js';
import { html, type SafeHtml } from '../html.js';
import { fmtTime, layout, type PageContext } from '../layout.js';

const KIND: Record<string, { zh: string; en: string }> = {
  monthly: { zh: '月度排名通报', en: 'Monthly ranking' },
  water_quarterly: { zh: '水质季度通报', en: 'Quarterly water bulletin' },
  task_dispatch: { zh: '重点任务调度报告', en: 'Monthly task progress' },
};

export function reportsPage(pc: PageContext, reports: ReportRow[]): SafeHtml {
  const { t, locale } = pc;
  const body = html` <div class="table-wrap" tabindex="0">
    <table id="reports">
      <thead>
        <tr>
          <th>${t('period')}</th>
          <th>${t('kind')}</th>
          <th class="num">${t('version')}</th>
          <th>${t('dataVersion')}</th>
          <th>${t('produced')}</th>
          <th>${t('files')}</th>
        </tr>
      </thead>
      <tbody>
        ${
          reports.length === 0
            ? html`<tr>
                <td colspan="6" class="muted">${t('noReports')}</td>
              </tr>`
            : ''
        }
        ${reports.map(
          (r) =>
            html`<tr>
              <td>
                ${r.period_key}
                <div class="muted">${r.scope_id}</div>
              </td>
              <td>${KIND[r.kind] ? (locale === 'en' ? KIND[r.kind]!.en : KIND[r.kind]!.zh) : r.kind}</td>
              <td class="num">${r.version}</td>
              <td>${r.data_version === 'audited' ? t('audited') : t('provisional')}</td>
              <td>${fmtTime(r.produced_at)}</td>
              <td>
                ${r.files.map((f) => html`<a href="/api/reports/${r.id}/files/${f.locale}/${f.format}" download>${f.locale === 'en' ? 'EN' : '中文'} ${f.format.toUpperCase()}</a> `)}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
  return layout(pc, t('reports'), body, 'reports');
}
