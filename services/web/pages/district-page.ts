/** The district page: its targets with verdict and projection, PM2.5 this year vs last, heavy days, rankings. */
import type { DistrictSummary, DistrictTarget } from '../../api/views/district-summary.js';
import { lineChart } from '../chart.js';
import { html, type SafeHtml } from '../html.js';
import { localName } from '../i18n.js';
import { fmt, layout, statusBadge, type PageContext } from '../layout.js';
import { dashWords, type DashTranslate } from './dash-words.js';
import { opsWords } from './ops-words.js';

/** The one call site of the chart module: switching to the reports' chart module is this line. */
const chart = lineChart;

function monthValues(year: number, pts: { t: string; value: number | null; valid: boolean }[]) {
  const m = new Map(pts.map((p) => [p.t.slice(5), p.valid ? p.value : null]));
  return Array.from({ length: 12 }, (_, i) => m.get(String(i + 1).padStart(2, '0')) ?? null);
}

function projectionText(w: DashTranslate, t: DistrictTarget): string {
  const p = t.projection;
  if (!p) return '';
  if (p.requiredMean === null) return w('yearOver');
  if (p.unreachable) return w('projectionOut', { n: p.remainingDays });
  return w('projection', { n: p.remainingDays, x: fmt(p.requiredMean) });
}

function targetsTable(pc: PageContext, w: DashTranslate, targets: DistrictTarget[]): SafeHtml {
  const { t, locale } = pc;
  return html`<div class="table-wrap" tabindex="0">
    <table id="district-targets" class="wide">
      <thead>
        <tr>
          <th>${t('targets')}</th>
          <th>${t('period')}</th>
          <th>${t('state')}</th>
          <th class="num">${t('value')}</th>
          <th class="num">${t('threshold')}</th>
          <th>${t('explanation')}</th>
        </tr>
      </thead>
      <tbody>
        ${
          targets.length === 0
            ? html`<tr>
                <td colspan="6" class="muted">${w('noTargets')}</td>
              </tr>`
            : ''
        }
        ${targets.map(
          (r) =>
            html`<tr data-target="${r.target_id}" data-status="${r.status}">
              <td>
                ${localName(locale, r.title_zh, r.title_en)}
                <div class="muted">${r.target_id} · ${r.source}</div>
                <!-- The projection is what an official acts on: first column, so a phone shows it unscrolled. -->
                ${r.projection ? html`<div class="projection" data-testid="projection">${projectionText(w, r)}</div>` : ''}
              </td>
              <td>${r.period_key}</td>
              <td>${statusBadge(pc, r.status)}</td>
              <td class="num">${fmt(r.value)}</td>
              <td class="num">${fmt(r.threshold)}</td>
              <td>${locale === 'en' ? r.explanation_en : r.explanation_zh}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function rankingTables(pc: PageContext, w: DashTranslate, s: DistrictSummary): SafeHtml {
  const { locale } = pc;
  const names = new Map(s.overview.areas.map((a) => [a.id, locale === 'en' ? a.nameEn : a.shortZh]));
  const ytd = s.overview.areas.filter((a) => a.pm25Ytd !== null).sort((a, b) => a.pm25Ytd! - b.pm25Ytd!);
  const table = (id: string, caption: string, rows: { id: string; rank: number; value: number }[]) =>
    html`<div class="table-wrap half">
      <table id="${id}">
        <caption>
          ${caption}
        </caption>
        <thead>
          <tr>
            <th class="num">${w('rank')}</th>
            <th>${w('area')}</th>
            <th class="num">PM2.5</th>
          </tr>
        </thead>
        <tbody>
          ${
            rows.length === 0
              ? html`<tr>
                  <td colspan="3" class="muted">${pc.t('noData')}</td>
                </tr>`
              : ''
          }
          ${rows.map(
            (r) =>
              html`<tr>
                <td class="num">${r.rank}</td>
                <td><a href="/areas/${r.id}?year=${s.overview.year}">${names.get(r.id) ?? r.id}</a></td>
                <td class="num">${fmt(r.value)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  return html`<div class="pair">
    ${table(
      'rank-month',
      w('rankingMonth', { month: s.ranking.month ?? '—' }),
      s.ranking.monthly.map((r) => ({ id: r.area_id, rank: r.rank, value: r.value })),
    )}
    ${table(
      'rank-ytd',
      w('rankingYtd'),
      ytd.map((a, i) => ({ id: a.id, rank: i + 1, value: a.pm25Ytd! })),
    )}
  </div>`;
}

export function districtPage(pc: PageContext, s: DistrictSummary): SafeHtml {
  const { t, locale } = pc;
  const w = dashWords(locale);
  const o = s.overview;
  const name = localName(locale, o.district.nameZh, o.district.nameEn);
  const body = html`<section class="cards" id="district-headline">
      <div class="card">
        <div class="muted">${t('ytdPm25')} (${t('unit')})</div>
        <div class="big" data-testid="district-pm25">${fmt(o.pm25.ytd)}</div>
        <div class="muted">
          ${t('target')} ≤ ${fmt(o.pm25.target, 0)} · ${t('lastYearSame')} ${fmt(o.pm25.lastYear)}
        </div>
      </div>
      <div class="card">
        <div class="muted">${t('heavyDays')}</div>
        <div class="big" data-testid="heavy-excl">${o.heavyDays.excludingSandDust}</div>
        <div class="muted" data-testid="heavy-incl">
          ${w('heavyWithoutSand')} ${o.heavyDays.excludingSandDust} · ${w('heavyWithSand')}
          ${o.heavyDays.count}
          ${o.heavyDays.target !== null ? html` · ${t('target')} ${t('heavyTarget', { n: o.heavyDays.target })}` : ''}
        </div>
      </div>
      <div class="card">
        <div class="muted">${t('districtTargets')}</div>
        <div class="big">${statusBadge(pc, o.districtStatus)}</div>
        <div class="muted">${t('asOf')} ${o.asOf}</div>
      </div>
    </section>
    <nav class="links" aria-label="${w('links')}">
      <a href="/?district=${o.district.id}&amp;year=${o.year}">${t('streetsTowns')}</a>
      <a href="/water?district=${o.district.id}&amp;year=${o.year}">${w('waterPage')}</a>
      <a href="/map?district=${o.district.id}&amp;year=${o.year}">${opsWords(pc.locale)('mapLink')}</a>
      <a href="/alerts">${t('alerts')}</a>
      <a href="/reports">${t('reports')}</a>
    </nav>
    <h2>${t('targets')}</h2>
    ${targetsTable(pc, w, s.targets)}
    <h2>${t('trend')}</h2>
    <p class="muted">${w('monthlyPm25')}</p>
    ${chart(
      Array.from({ length: 12 }, (_, i) => String(i + 1).padStart(2, '0')),
      [
        {
          label: `${w('thisYear')} ${o.year}`,
          colour: '#1f5fa8',
          values: monthValues(o.year, s.months.thisYear),
        },
        {
          label: `${w('lastYear')} ${o.year - 1}`,
          colour: '#8a94a3',
          values: monthValues(o.year - 1, s.months.lastYear),
          dashed: true,
        },
      ],
      {
        limit: o.pm25.target,
        ariaLabel: `${w('monthlyPm25')}: ${w('thisYear')} / ${w('lastYear')} / ${w('targetLine')}`,
      },
    )}
    <h2>${t('ranks')}</h2>
    ${rankingTables(pc, w, s)}`;
  return layout(pc, w('districtPage', { district: name, year: o.year }), body, 'overview');
}
