/**
 * Every word the reports print, in Chinese (first) and English. Renderers never hold literal text, so the
 * two languages cannot drift apart and a wording fix is one edit. The texts are data (labels.json), typed
 * here: `{name}` placeholders are filled by t().
 */
import labels from './labels.json' with { type: 'json' };
import type { ReportLocale } from '../report-types.js';

type Text = { zh: string; en: string };

export const LABELS: Readonly<Record<LabelKey, Text>> = labels;

export type LabelKey = keyof typeof labels;

export function t(locale: ReportLocale, key: LabelKey, vars: Record<string, string | number> = {}): string {
  const text = LABELS[key][locale === 'zh-CN' ? 'zh' : 'en'];
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

// Verdicts, alert states and severities are the product's words, not the reports': one catalogue for all.
export {
  ALERT_STATE_LABELS,
  SEVERITY_LABELS,
  TARGET_STATUS_LABELS as STATUS_LABELS,
} from '../../labels/catalogue.js';

/** Section titles of the rankings (002:2972-2973 wording). */
export const RANKING_TITLES: Record<string, Text> = {
  pm25: { zh: '空气质量（PM2.5月均浓度）', en: 'Air quality (monthly mean PM2.5)' },
  dust_fall: { zh: '降尘量', en: 'Dust fall' },
  tsp: { zh: '粗颗粒物（TSP）浓度', en: 'TSP concentration' },
  road_dust_load: { zh: '道路尘负荷', en: 'Road dust load' },
  road_dust_residue: { zh: '道路尘土残存量', en: 'Road dust residue' },
};

export function pick(locale: ReportLocale, text: Text): string {
  return locale === 'zh-CN' ? text.zh : text.en;
}
