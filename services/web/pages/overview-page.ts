/** The district overview: headline cards and one tile per street/town, coloured by its worst target status. */
import type { Overview } from '../../api/views/overview.js';
import { html, type SafeHtml } from '../html.js';
import { localName } from '../i18n.js';
import { fmt, fmtPct, layout, statusBadge, type PageContext } from '../layout.js';

const STATUSES = ['breached', 'at_risk', 'insufficient_data', 'met', 'none'] as const;

export function overviewPage(
  pc: PageContext,
  o: Overview,
  districts: { id: string; name_zh: string; name_en: string }[],
): SafeHtml {
  const { t, locale } = pc;
  const districtName = localName(locale, o.district.nameZh, o.district.nameEn);
  const pm = o.pm25;
  const over = pm.target !== null && pm.ytd !== null && pm.ytd > pm.target;
  const body = html` <form class="filters" method="get" action="/">
      <select name="district" aria-label="district">
        ${districts.map((d) => html`<option value="${d.id}" ${d.id === o.district.id ? 'selected' : ''}>${localName(locale, d.name_zh, d.name_en)}</option>`)}
      </select>
      <input type="text" name="year" value="${o.year}" size="5" inputmode="numeric" aria-label="year" />
      <button type="submit">${t('filter')}</button>
      <span class="muted">${t('asOf')} ${o.asOf}</span>
    </form>
    <section class="cards" id="headline">
      <div class="card">
        <div class="muted">${t('ytdPm25')} (${t('unit')})</div>
        <div class="big ${over ? 'over-target' : ''}" data-testid="district-pm25">${fmt(pm.ytd)}</div>
        <div class="muted">
          ${t('target')} ≤ ${fmt(pm.target, 0)} · ${t('lastYearSame')} ${fmt(pm.lastYear)}
          (${fmtPct(pm.changePct)})
        </div>
        <div class="muted">
          ${pm.validDays} ${t('validDays')}${pm.dataVersion ? html` · ${t(pm.dataVersion)}` : ''}
        </div>
      </div>
      <div class="card">
        <div class="muted">${t('heavyDays')}</div>
        <div class="big" data-testid="heavy-days">${o.heavyDays.excludingSandDust}</div>
        <div class="muted">${t('heavyDaysDetail', { n: o.heavyDays.count })}</div>
        ${o.heavyDays.target !== null ? html`<div class="muted">${t('target')}: ${t('heavyTarget', { n: o.heavyDays.target })}</div>` : ''}
      </div>
      <div class="card">
        <div class="muted">${t('districtTargets')}</div>
        <div class="big">${statusBadge(pc, o.districtStatus)}</div>
        <div class="muted">${o.targetSource ?? ''}</div>
      </div>
    </section>
    <h2>${t('streetsTowns')}</h2>
    <div class="legend">${STATUSES.map((s) => statusBadge(pc, s))}</div>
    <section class="tiles" id="tiles">
      ${o.areas.map(
        (a) =>
          html`<a
            class="tile s-${a.status}"
            href="/areas/${a.id}?year=${o.year}"
            data-area="${a.id}"
            data-status="${a.status}"
          >
            <div class="name">${locale === 'en' ? a.nameEn : a.shortZh}</div>
            <div class="pm">${fmt(a.pm25Ytd)}</div>
            <div class="meta">${t('change')} ${fmtPct(a.changePct)} · ${t(`status_${a.status}`)}</div>
            ${a.openAlerts > 0 ? html`<div class="meta">${t('openAlerts')}: ${a.openAlerts}</div>` : ''}
          </a>`,
      )}
    </section>`;
  return layout(pc, t('districtOverview', { district: districtName, year: o.year }), body, 'overview');
}
