/** Number, date and name formatting shared by the HTML, XLSX and CSV renderers. */
import { formatWaterClass, roundGbt8170, type WaterClass } from '../../standards/index.js';
import { formatShanghai } from '../../time/shanghai.js';
import type { AreaRef, DistrictRef, MetricRef, ReportLocale } from '../report-types.js';

export const DASH = '—';

export function fixed(value: number | null, decimals: number): string {
  if (value === null) return DASH;
  return roundGbt8170(value, decimals).toFixed(decimals);
}

/** "+1.2" / "-0.8" / "0.0": the sign is printed so a decrease cannot be misread as a value. */
export function signed(value: number | null, decimals: number): string {
  if (value === null) return DASH;
  const r = roundGbt8170(value, decimals);
  const s = Math.abs(r).toFixed(decimals);
  return r > 0 ? `+${s}` : r < 0 ? `-${s}` : s;
}

export function signedPct(value: number | null): string {
  return value === null ? DASH : `${signed(value, 1)}%`;
}

export function monthLabel(month: string, locale: ReportLocale): string {
  const [y, m] = month.split('-');
  if (locale === 'zh-CN') return `${y}年${Number(m)}月`;
  const name = new Date(Date.UTC(Number(y), Number(m) - 1, 1)).toLocaleString('en-GB', {
    month: 'long',
    timeZone: 'UTC',
  });
  return `${name} ${y}`;
}

export function shortMonthLabel(month: string, locale: ReportLocale): string {
  const m = Number(month.slice(5));
  if (locale === 'zh-CN') return `${m}月`;
  return new Date(Date.UTC(2000, m - 1, 1)).toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' });
}

/** "1—3月" / "Jan–Mar": the cumulative window from January to the report month. */
export function ytdRange(month: string, locale: ReportLocale): string {
  const m = Number(month.slice(5));
  if (locale === 'zh-CN') return m === 1 ? '1月' : `1—${m}月`;
  return m === 1 ? 'Jan' : `Jan–${shortMonthLabel(month, locale)}`;
}

export function quarterLabel(quarter: string, locale: ReportLocale): string {
  const [y, q] = quarter.split('-Q');
  const zh = ['一', '二', '三', '四'][Number(q) - 1];
  return locale === 'zh-CN' ? `${y}年第${zh}季度` : `Q${q} ${y}`;
}

export function unitOf(metric: MetricRef, locale: ReportLocale): string {
  if (locale === 'zh-CN') return metric.unitZh;
  const pretty: Record<string, string> = {
    'ug/m3': 'µg/m³',
    'g/m2': 'g/m²',
    't/km2/month': 't/(km²·month)',
    m2: 'm²',
  };
  return pretty[metric.unit] ?? metric.unit;
}

export function metricName(metric: MetricRef, locale: ReportLocale): string {
  return locale === 'zh-CN' ? metric.nameZh : metric.nameEn;
}

/** Rankings print the short name (北苑街道, 永顺镇) as a ranking table does; files keep the full name too. */
export function areaName(area: AreaRef, locale: ReportLocale): string {
  return locale === 'zh-CN' ? area.shortZh : area.nameEn;
}

export function districtName(d: DistrictRef, locale: ReportLocale): string {
  return locale === 'zh-CN' ? d.nameZh : d.nameEn;
}

export function waterClassLabel(c: number | null, locale: ReportLocale): string {
  if (c === null) return DASH;
  const label = formatWaterClass(c as WaterClass, locale === 'zh-CN' ? 'zh' : 'en');
  return locale === 'zh-CN' ? `${label}类` : `Class ${label}`;
}

export function producedAtLabel(at: Date): string {
  return formatShanghai(at, 'yyyy-MM-dd HH:mm');
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
