/** Water: one row per section (river, kind, responsible street/town, target class), its class per month, verdicts. */
import type { WaterMonth, WaterSection, WaterSummary } from '../../api/views/water-summary.js';
import { html, type SafeHtml } from '../html.js';
import { localName } from '../i18n.js';
import { layout, statusBadge, type PageContext } from '../layout.js';
import { dashWords } from './dash-words.js';

/** Section kinds as config/reference/sites-water.yaml names them (SECTION_KINDS). */
const KIND_WORDS: Record<string, { zh: string; en: string }> = {
  assessment: { zh: '考核断面', en: 'assessment' },
  boundary: { zh: '跨界断面', en: 'boundary' },
  transboundary: { zh: '出入境断面', en: 'trans-boundary' },
  town_outflow: { zh: '乡镇出境断面', en: 'town outflow' },
  main_river_inflow: { zh: '入干流断面', en: 'main-river inflow' },
  key_waterbody: { zh: '重点水体', en: 'key waterbody' },
};

function monthCell(pc: PageContext, m: WaterMonth | undefined): SafeHtml {
  if (!m) return html`<td class="wcell empty"></td>`;
  const verdict = m.meets_target === null ? 'none' : m.meets_target ? 'met' : 'breached';
  const cls = pc.locale === 'en' ? m.classEn : m.classZh;
  // The deciding parameter matters where the month misses its target: it says what to act on.
  const decided = m.meets_target === false ? m.deciding_parameters.join(', ') : '';
  return html`<td class="wcell s-${verdict}" data-month="${m.month}" data-class="${m.water_class}">
    <span class="wclass">${cls}</span>${decided ? html`<span class="decided">${decided}</span>` : ''}
  </td>`;
}

function sectionRow(pc: PageContext, year: number, s: WaterSection): SafeHtml {
  const { locale } = pc;
  const byMonth = new Map(s.months.map((m) => [m.month, m]));
  const kinds = s.section_kinds.map((k) =>
    KIND_WORDS[k] ? KIND_WORDS[k][locale === 'en' ? 'en' : 'zh'] : k,
  );
  return html`<tr data-section="${s.id}">
    <th scope="row" class="tname">
      ${localName(locale, s.name_zh, s.name_en)}${s.is_example ? html` <span class="muted">*</span>` : ''}
    </th>
    <td>${localName(locale, s.river_zh ?? '—', s.river_en)}</td>
    <td>${kinds.join('、') || '—'}</td>
    <td>
      ${s.area_id ? html`<a href="/areas/${s.area_id}?year=${year}">${localName(locale, s.area_zh ?? s.area_id, s.area_en)}</a>` : '—'}
    </td>
    <td class="num" data-testid="target-class">
      ${(locale === 'en' ? s.targetClassEn : s.targetClassZh) ?? '—'}
    </td>
    ${Array.from({ length: 12 }, (_, i) => monthCell(pc, byMonth.get(`${year}-${String(i + 1).padStart(2, '0')}`)))}
    <td class="verdicts">
      ${s.verdicts.length === 0 ? '—' : s.verdicts.map((v) => html`<div title="${locale === 'en' ? v.explanation_en : v.explanation_zh}">${v.period_key} ${statusBadge(pc, v.status)}</div>`)}
    </td>
  </tr>`;
}

export function waterPage(pc: PageContext, s: WaterSummary): SafeHtml {
  const { locale } = pc;
  const w = dashWords(locale);
  const name = localName(locale, s.district.nameZh, s.district.nameEn);
  const examples = s.sections.some((x) => x.is_example);
  const body = html`<p class="muted">${w('waterLegend')}</p>
    <div class="table-wrap" tabindex="0">
      <table id="water" class="wide water">
        <thead>
          <tr>
            <th scope="col">${w('section')}</th>
            <th scope="col">${w('river')}</th>
            <th scope="col">${w('sectionKind')}</th>
            <th scope="col">${w('responsible')}</th>
            <th scope="col">${w('targetClass')}</th>
            ${Array.from({ length: 12 }, (_, i) => html`<th scope="col" class="cellhead">${locale === 'en' ? String(i + 1).padStart(2, '0') : `${i + 1}月`}</th>`)}
            <th scope="col">${w('verdicts')}</th>
          </tr>
        </thead>
        <tbody>
          ${
            s.sections.length === 0
              ? html`<tr>
                  <td colspan="18" class="muted">${w('noSections')}</td>
                </tr>`
              : ''
          }
          ${s.sections.map((x) => sectionRow(pc, s.year, x))}
        </tbody>
      </table>
    </div>
    ${examples ? html`<p class="muted">* ${w('exampleSite')}</p>` : ''}`;
  return layout(pc, `${name} ${s.year} ${w('waterPage')}`, body, 'overview');
}
