/**
 * Pieces shared by the HTML reports: the style sheet (screen, e-mail and A4 print), the document frame,
 * the header block and how a chart is embedded (inline SVG for the web page and the PDF, a cid: image for
 * e-mail, because Outlook and Gmail do not display inline SVG).
 */
import type { DataVersion, ReportLocale } from '../report-types.js';
import { FONT_STACK } from './charts.js';
import { escapeHtml, producedAtLabel } from './format.js';
import { t } from './labels.js';

export interface RenderContext {
  locale: ReportLocale;
  version: number;
  producedAt: Date;
  /** The version this one replaces, when audited data revised the period. */
  supersedes: number | null;
  /** 'svg': charts inline (web page, PDF); 'cid': <img src="cid:…"> (e-mail body). */
  charts: 'svg' | 'cid';
}

export interface ChartOut {
  id: string;
  svg: string;
  width: number;
  height: number;
}

export const STYLE = `
@page { size: A4; margin: 14mm 11mm 16mm 11mm; }
* { box-sizing: border-box; }
body { font-family: ${FONT_STACK}; color: #1f2933; font-size: 10pt; line-height: 1.45; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 17pt; text-align: center; margin: 2mm 0 1mm; letter-spacing: 0.5pt; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; padding-bottom: 1mm; border-bottom: 1.5pt solid #1f4e79; color: #1f4e79; break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm; break-after: avoid; }
.sub { text-align: center; color: #46515e; margin: 0 0 1mm; }
.meta { text-align: center; font-size: 9pt; color: #46515e; margin-bottom: 2mm; }
.meta .prov { color: #b03a2e; font-weight: 700; }
.note { font-size: 8.5pt; color: #5b6470; margin: 1mm 0 2mm; }
table { width: 100%; border-collapse: collapse; font-size: 9pt; margin: 1mm 0 2mm; }
thead { display: table-header-group; }
th { background: #1f4e79; color: #fff; font-weight: 700; padding: 1.2mm 1.5mm; border: 0.5pt solid #1f4e79; text-align: center; }
td { padding: 0.9mm 1.5mm; border: 0.5pt solid #c8d0d9; vertical-align: middle; }
tr { break-inside: avoid; }
/* A phone (390 px) cannot hold a ranking's eleven columns: the table scrolls sideways in its own box instead of
   the whole page being cut off at the right edge. Print and wide screens are unaffected. */
@media screen and (max-width: 640px) { table { display: block; overflow-x: auto; } }
tbody tr:nth-child(even) td { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.c { text-align: center; white-space: nowrap; }
td.nw { white-space: nowrap; }
tr.best td { background: #e6f4ec !important; }
tr.worst td { background: #fbe9e7 !important; }
.tag { display: inline-block; font-size: 7.5pt; padding: 0 1.2mm; border-radius: 1mm; margin-left: 1mm; color: #fff; vertical-align: 1px; }
.tag.best { background: #2e8b57; }
.tag.worst { background: #c0392b; }
.tag.b10 { background: #7b241c; }
.tag.b30 { background: #d35400; }
.up { color: #b03a2e; }
.down { color: #1e7e4a; }
.st-met { color: #1e7e4a; }
.st-at_risk { color: #b9770e; font-weight: 700; }
.st-breached { color: #b03a2e; font-weight: 700; }
.st-insufficient_data { color: #7f8c8d; }
.chart { margin: 2mm 0 3mm; break-inside: avoid; }
.caption { font-weight: 700; font-size: 9.5pt; margin: 0 0 1mm; color: #1f2933; }
.chart svg, .chart img { max-width: 100%; height: auto; }
.ranking { break-inside: auto; }
.keep { break-inside: avoid; }
.sep td { text-align: center; color: #7f8c8d; }
`;

export function documentFrame(locale: ReportLocale, title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export function headerBlock(
  ctx: RenderContext,
  title: string,
  subtitle: string,
  dataVersion: DataVersion,
): string {
  const dv =
    dataVersion === 'audited'
      ? escapeHtml(t(ctx.locale, 'audited'))
      : `<span class="prov">${escapeHtml(t(ctx.locale, 'provisional'))}</span>`;
  const sep = ctx.locale === 'zh-CN' ? '：' : ': ';
  const supersedes =
    ctx.supersedes !== null ? ` · ${escapeHtml(t(ctx.locale, 'supersedes', { n: ctx.supersedes }))}` : '';
  return `<h1>${escapeHtml(title)}</h1>
<p class="sub">${escapeHtml(subtitle)}${escapeHtml(paren(ctx.locale, t(ctx.locale, 'version', { n: ctx.version })))}</p>
<p class="meta">${escapeHtml(t(ctx.locale, 'dataVersion'))}${sep}${dv} · ${escapeHtml(t(ctx.locale, 'produced'))}${sep}${producedAtLabel(ctx.producedAt)}${supersedes}</p>`;
}

export function paren(locale: ReportLocale, s: string): string {
  return locale === 'zh-CN' ? `（${s}）` : ` (${s})`;
}

/**
 * Embeds a chart per the context and records it, so e-mail can attach its PNG under the same cid. With
 * `caption`, the alt text is also printed above the chart as its title.
 */
export function embedChart(
  ctx: RenderContext,
  charts: ChartOut[],
  id: string,
  svg: string,
  alt: string,
  caption = false,
): string {
  const size = /width="(\d+)" height="(\d+)"/.exec(svg);
  const width = Number(size?.[1] ?? 680);
  const height = Number(size?.[2] ?? 240);
  charts.push({ id, svg, width, height });
  const title = caption ? `<p class="caption">${escapeHtml(alt)}</p>` : '';
  if (ctx.charts === 'svg') return `<div class="chart">${title}${svg}</div>`;
  return `<div class="chart">${title}<img src="cid:${id}" width="${width}" height="${height}" alt="${escapeHtml(alt)}"></div>`;
}

export function changeClass(v: number | null, better: 'lower' | 'higher'): string {
  if (v === null || v === 0) return '';
  return v > 0 === (better === 'lower') ? 'up' : 'down';
}
