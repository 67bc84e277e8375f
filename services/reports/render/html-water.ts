/**
 * Water in HTML: the section table of the monthly report and the quarterly bulletin of the ten worst
 * streets/towns (2021 plan, 001:987).
 */
import type { ReportLocale, WaterBulletinData, WaterPollutant, WaterSectionRow } from '../report-types.js';
import { DASH, areaName, districtName, escapeHtml, fixed, quarterLabel, waterClassLabel } from './format.js';
import { documentFrame, headerBlock, type RenderContext } from './html-shared.js';
import { t } from './labels.js';

/**
 * "氨氮（0.73）": the short name (the chemical formula in the metric name dropped) and the exceedance
 * multiple when the target is exceeded. A main pollutant within its target (multiple ≤ 0, worse than Ⅲ
 * only) and DO/pH (no multiple, 环办〔2011〕22号) are named without one, as bulletins print them.
 */
export function pollutantText(p: WaterPollutant, locale: ReportLocale): string {
  const name = (locale === 'zh-CN' ? p.nameZh : p.nameEn).replace(/\s*[（(][^（()）]*[)）]$/, '');
  if (p.exceedanceMultiple === null || p.exceedanceMultiple <= 0) return name;
  const m = fixed(p.exceedanceMultiple, 2);
  return locale === 'zh-CN' ? `${name}（${m}）` : `${name} (${m})`;
}

export function metText(met: boolean | null, locale: ReportLocale): string {
  return met === null ? DASH : t(locale, met ? 'yes' : 'no');
}

export function renderWaterSectionTable(rows: readonly WaterSectionRow[], locale: ReportLocale): string {
  const body = rows
    .map((r) => {
      const name = locale === 'zh-CN' ? r.nameZh : r.nameEn;
      const river = (locale === 'zh-CN' ? r.riverZh : r.riverEn) ?? DASH;
      const cls =
        r.samples === 0 && r.waterClass === null
          ? `<span class="note">${escapeHtml(t(locale, 'noSample'))}</span>`
          : escapeHtml(waterClassLabel(r.waterClass, locale));
      const met =
        r.met === null
          ? DASH
          : `<span class="${r.met ? 'down' : 'up'}">${escapeHtml(metText(r.met, locale))}</span>`;
      const pollutants = r.mainPollutants.length
        ? r.mainPollutants.map((p) => escapeHtml(pollutantText(p, locale))).join('、')
        : DASH;
      return `<tr class="${r.met === false ? 'worst' : ''}"><td class="nw">${escapeHtml(name)}</td><td class="nw">${escapeHtml(river)}</td><td class="nw">${escapeHtml(r.area ? areaName(r.area, locale) : DASH)}</td>
<td class="c">${cls}</td><td class="c">${escapeHtml(waterClassLabel(r.targetClass, locale))}</td><td class="c">${met}</td><td>${pollutants}</td>
<td class="c">${escapeHtml(waterClassLabel(r.lastYearClass, locale))}</td></tr>`;
    })
    .join('');
  return `<table><thead><tr><th>${t(locale, 'section')}</th><th>${t(locale, 'river')}</th><th>${t(locale, 'area')}</th><th>${t(locale, 'waterClass')}</th><th>${t(locale, 'targetClass')}</th><th>${t(locale, 'met')}</th><th>${t(locale, 'mainPollutants')}</th><th>${t(locale, 'lastYearClass')}</th></tr></thead><tbody>${body}</tbody></table>`;
}

export function waterBulletinTitle(data: WaterBulletinData, locale: ReportLocale): string {
  return locale === 'zh-CN'
    ? `${data.scope.nameZh}${quarterLabel(data.quarter, locale)}${t(locale, 'waterTitle')}`
    : `${data.scope.nameEn}: ${t(locale, 'waterTitle')}, ${quarterLabel(data.quarter, locale)}`;
}

export function renderWaterBulletinHtml(
  data: WaterBulletinData,
  ctx: RenderContext,
): { html: string; title: string } {
  const { locale } = ctx;
  const title = waterBulletinTitle(data, locale);
  const rows = data.worst
    .map((w) => {
      const sections = w.sections
        .map(
          (s) =>
            `${escapeHtml(locale === 'zh-CN' ? s.nameZh : s.nameEn)} ${escapeHtml(waterClassLabel(s.waterClass, locale))}${s.mainPollutants.length ? `：${s.mainPollutants.map((p) => escapeHtml(pollutantText(p, locale))).join('、')}` : ''}`,
        )
        .join('<br>');
      return `<tr><td class="c">${w.rank}</td><td>${escapeHtml(areaName(w.area, locale))}</td><td class="num">${w.sectionsFailing}</td>
<td class="c">${escapeHtml(waterClassLabel(w.worstClass, locale))}</td><td class="num">${fixed(w.maxExceedance, 2)}</td><td>${sections}</td></tr>`;
    })
    .join('');
  const table = data.worst.length
    ? `<table><thead><tr><th>${t(locale, 'rank')}</th><th>${t(locale, 'area')}</th><th>${t(locale, 'sectionsFailing')}</th><th>${t(locale, 'worstClass')}</th><th>${t(locale, 'maxExceedance')}</th><th>${t(locale, 'sections')}</th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p>${escapeHtml(t(locale, 'noAssessed'))}</p>`;
  const body = [
    headerBlock(
      ctx,
      title,
      `${districtName(data.scope, locale)} · ${quarterLabel(data.quarter, locale)}`,
      data.dataVersion,
    ),
    `<p class="note">${escapeHtml(t(locale, 'waterRankNote'))}</p>`,
    `<p class="note">${escapeHtml(t(locale, 'assessedAreas', { n: data.assessedAreas }))}</p>`,
    table,
  ].join('\n');
  return { html: documentFrame(locale, title, body), title };
}
