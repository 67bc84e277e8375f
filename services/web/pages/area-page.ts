/** A street/town: its targets, PM2.5 against the district, its ranks, and its open alerts (acknowledgeable). */
import type { AreaSummary } from '../../api/views/area-summary.js';
import { lineChart } from '../chart.js';
import { html, type SafeHtml } from '../html.js';
import { localName } from '../i18n.js';
import { fmt, layout, type PageContext } from '../layout.js';
import { groupedAlerts } from './alert-groups.js';
import { targetMatrix } from './target-matrix.js';

function months(year: number): string[] {
  return Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}

export function areaPage(pc: PageContext, s: AreaSummary): SafeHtml {
  const { t, locale } = pc;
  const name = localName(locale, s.area.short_zh, s.area.name_en);
  const labels = months(s.year);
  const byMonth = (pts: { t: string; value: number | null; valid: boolean }[]) => {
    const m = new Map(pts.map((p) => [p.t, p.valid ? p.value : null]));
    return labels.map((l) => m.get(l) ?? null);
  };
  const dayLabels = [...new Set([...s.trend.daily.area, ...s.trend.daily.district].map((p) => p.t))].sort();
  const byDay = (pts: { t: string; value: number | null; valid: boolean }[]) => {
    const m = new Map(pts.map((p) => [p.t, p.valid ? p.value : null]));
    return dayLabels.map((l) => m.get(l) ?? null);
  };
  const districtRank = new Map(s.districtRanks.map((r) => [r.month, r]));
  const cityRank = new Map(
    s.cityRanks.filter((r) => r.metric_id === 'pm25').map((r) => [r.month, `${r.rank} / ${r.n_ranked}`]),
  );
  const rankMonths = labels.filter((m) => districtRank.has(m) || cityRank.has(m));
  const monthlyChart = lineChart(
    labels.map((l) => l.slice(5)),
    [
      { label: name, colour: '#1f5fa8', values: byMonth(s.trend.monthly.area) },
      { label: t('district'), colour: '#8a94a3', values: byMonth(s.trend.monthly.district), dashed: true },
    ],
    { ariaLabel: `${t('trend')} ${t('monthly')}` },
  );
  const ranksTable = html`<div class="table-wrap" tabindex="0">
    <table id="ranks">
      <thead>
        <tr>
          <th>${t('month')}</th>
          <th class="num">PM2.5</th>
          <th class="num">${t('districtRank')}</th>
          <th class="num">${t('cityRank')}</th>
        </tr>
      </thead>
      <tbody>
        ${
          rankMonths.length === 0
            ? html`<tr>
                <td colspan="4" class="muted">${t('noData')}</td>
              </tr>`
            : ''
        }
        ${rankMonths.map((m) => {
          const d = districtRank.get(m);
          return html`<tr>
            <td>${m}</td>
            <td class="num">${fmt(d?.value)}</td>
            <td class="num">${d ? `${d.rank} / ${d.of}` : '—'}</td>
            <td class="num">${cityRank.get(m) ?? '—'}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
  const body = html`<div class="area-page">
    <section class="cards">
      <div class="card">
        <div class="muted">${t('ytdPm25')} (${t('unit')})</div>
        <div class="big" data-testid="area-pm25">${fmt(s.pm25.ytd)}</div>
        <div class="muted">
          ${t('lastYearSame')} ${fmt(s.pm25.lastYear)} · ${t('district')} ${fmt(s.pm25.districtYtd)} ·
          ${s.pm25.validDays} ${t('validDays')}
        </div>
      </div>
      <div class="card">
        <div class="muted">${t('openAlerts')}</div>
        <div class="big">${s.openAlerts.length}</div>
        <div class="muted">${t('asOf')} ${s.asOf}</div>
      </div>
    </section>
    <h2>${t('targets')}</h2>
    ${targetMatrix(pc, s.year, s.targets)}
    <h2>${t('trend')}</h2>
    <div class="chart-pair">
      <div>
        <p class="muted">${t('monthly')}</p>
        ${monthlyChart}
      </div>
      ${
        // A past year has no last-30-days series: half a row of 暂无数据 beside the chart pushed the ranks and the
        // alerts a screen down (宋庄镇 2024: 1,817 px at 1,400 px wide). Then the ranks take that half instead
        // and the empty chart is one line under the monthly one.
        dayLabels.length === 0
          ? html`<div>
              <p class="muted" data-testid="last30-empty">
                ${t('last30')}${locale === 'en' ? ': ' : '：'}${t('noData')}
              </p>
              <h3 class="beside">${t('ranks')}</h3>
              ${ranksTable}
            </div>`
          : html`<div>
              <p class="muted">${t('last30')}</p>
              ${lineChart(
                dayLabels.map((d) => d.slice(5)),
                [
                  { label: name, colour: '#1f5fa8', values: byDay(s.trend.daily.area) },
                  {
                    label: t('district'),
                    colour: '#8a94a3',
                    values: byDay(s.trend.daily.district),
                    dashed: true,
                  },
                ],
                { ariaLabel: `${t('trend')} ${t('last30')}` },
              )}
            </div>`
      }
    </div>
    ${
      dayLabels.length === 0
        ? ''
        : html`<h2>${t('ranks')}</h2>
            ${ranksTable}`
    }
    ${groupedAlerts(pc, s.openAlerts, `/areas/${s.area.id}?year=${s.year}`)}
  </div>`;
  return layout(pc, name, body, 'overview');
}
