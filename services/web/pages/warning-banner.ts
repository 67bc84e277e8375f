/** The heavy-pollution warning banner (level, area, since, measures) shown on every page while one is in force. */
import { html, type SafeHtml } from '../html.js';
import { formatShanghai } from '../../time/shanghai.js';
import type { PageContext } from '../layout.js';
import { dashWords } from './dash-words.js';

export function warningBanner(pc: PageContext): SafeHtml {
  const warnings = pc.warnings ?? [];
  if (warnings.length === 0) return html``;
  const w = dashWords(pc.locale);
  return html`<div class="warning-banners">
    ${warnings.map((x) => {
      const district = (pc.locale === 'en' ? x.district_en : x.district_zh) ?? '';
      const area =
        x.area_ids.length === 0
          ? `${district} ${w('wholeDistrict')}`
          : `${district} ${x.area_ids.join('、')}`;
      return html`<div class="warning-banner level-${x.level}" role="alert" data-warning="${x.id}">
        <strong
          >${w('warningBanner', { level: w(`level_${x.level}`), area, since: formatShanghai(x.starts_at, 'yyyy-MM-dd HH:mm') })}</strong
        >
        ${x.measures ? html`<div>${w('warningMeasures', { measures: x.measures })}</div>` : ''}
      </div>`;
    })}
  </div>`;
}
