/**
 * Charts as server-side SVG strings: no browser is needed to draw them, the same markup goes into the web
 * page and the PDF, and the text stays text (searchable, extractable with pdftotext).
 */
import { AQI_LEVELS } from '../../standards/index.js';
import type { DailyPoint, MonthlyPoint, ReportLocale } from '../report-types.js';
import { escapeHtml, fixed, shortMonthLabel } from './format.js';
import { t } from './labels.js';

export const FONT_STACK =
  'Noto Sans SC, Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif';
const COLOURS = {
  bar: '#4a78b5',
  lastYear: '#8f99a6',
  cumulative: '#e07b24',
  target: '#c0392b',
  grid: '#e3e7ec',
  axis: '#5b6470',
  best: '#2e8b57',
  worst: '#c0392b',
  other: '#8c98a6',
};

/** An axis maximum of 1, 2, 2.5 or 5 × 10^k above the data, so the gridlines fall on round numbers. */
export function niceMax(value: number): number {
  if (value <= 0) return 10;
  const exp = 10 ** Math.floor(Math.log10(value));
  for (const f of [1, 2, 2.5, 5, 10]) if (f * exp >= value) return f * exp;
  return 10 * exp;
}

function svgOpen(width: number, height: number, label: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(label)}" font-family="${FONT_STACK}" font-size="11">`;
}

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${escapeHtml(s)}</text>`;
}

function yAxis(x0: number, x1: number, y: (v: number) => number, max: number): string {
  const parts: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const v = (max / 5) * i;
    parts.push(
      `<line x1="${x0}" x2="${x1}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${COLOURS.grid}"/>`,
    );
    parts.push(
      text(x0 - 6, y(v) + 4, String(Math.round(v * 10) / 10), `text-anchor="end" fill="${COLOURS.axis}"`),
    );
  }
  return parts.join('');
}

interface LegendItem {
  colour: string;
  label: string;
  kind: 'box' | 'line' | 'dash';
}

/** Approximate text width: CJK glyphs are square, Latin ones about 0.56 em at 11 px. */
function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u2e80-\uffff]/.test(ch) ? 11 : 6.2;
  return w;
}

/** A legend that wraps onto further lines within maxWidth; returns its markup and the lines used. */
function legend(
  items: readonly LegendItem[],
  x: number,
  y: number,
  maxWidth: number,
): { svg: string; lines: number } {
  let cx = x;
  let cy = y;
  let lines = 1;
  const parts: string[] = [];
  for (const it of items) {
    const w = 26 + textWidth(it.label);
    if (cx + w > x + maxWidth && cx > x) {
      cx = x;
      cy += 15;
      lines++;
    }
    parts.push(
      it.kind === 'box'
        ? `<rect x="${cx}" y="${cy - 9}" width="12" height="10" fill="${it.colour}" stroke="#6b7785" stroke-width="0.4"/>`
        : `<line x1="${cx}" x2="${cx + 14}" y1="${cy - 4}" y2="${cy - 4}" stroke="${it.colour}" stroke-width="2"${it.kind === 'dash' ? ' stroke-dasharray="5 3"' : ''}/>`,
    );
    parts.push(text(cx + 18, cy, it.label, `fill="${COLOURS.axis}"`));
    cx += w;
  }
  return { svg: parts.join(''), lines };
}

/** Monthly PM2.5 of the year: bars, last year's months, the cumulative mean and the annual target line. */
export function monthlyPm25Chart(
  points: readonly MonthlyPoint[],
  target: number | null,
  locale: ReportLocale,
  year: number,
): string {
  const W = 680,
    H = 270,
    L = 44,
    R = 12,
    T = 40,
    B = 28;
  const values = points
    .flatMap((p) => [p.value, p.lastYear, p.cumulative])
    .filter((v): v is number => v !== null);
  const max = niceMax(Math.max(target ?? 0, ...values, 1) * 1.1);
  const y = (v: number) => T + (H - T - B) * (1 - v / max);
  const slot = (W - L - R) / 12;
  const cx = (i: number) => L + slot * i + slot / 2;
  const parts = [svgOpen(W, H, t(locale, 'chartMonthly', { year })), yAxis(L, W - R, y, max)];
  points.forEach((p, i) => {
    if (p.value !== null) {
      parts.push(
        `<rect x="${(cx(i) - slot * 0.3).toFixed(1)}" y="${y(p.value).toFixed(1)}" width="${(slot * 0.6).toFixed(1)}" height="${(y(0) - y(p.value)).toFixed(1)}" fill="${COLOURS.bar}"/>`,
      );
      // Inside the bar top, so the value never collides with the line markers drawn above it.
      const inside = y(0) - y(p.value) > 18;
      parts.push(
        text(
          cx(i),
          inside ? y(p.value) + 13 : y(p.value) - 4,
          fixed(p.value, 0),
          `text-anchor="middle" fill="${inside ? '#fff' : COLOURS.axis}" font-size="10"`,
        ),
      );
    }
    parts.push(
      text(
        cx(i),
        H - B + 16,
        shortMonthLabel(p.month, locale),
        `text-anchor="middle" fill="${COLOURS.axis}"`,
      ),
    );
  });
  const polyline = (sel: (p: MonthlyPoint) => number | null, colour: string, dash: boolean) => {
    const pts = points
      .map((p, i) => ({ v: sel(p), i }))
      .filter((p): p is { v: number; i: number } => p.v !== null);
    if (pts.length === 0) return '';
    const d = pts.map((p) => `${cx(p.i).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
    const dots = pts
      .map(
        (p) =>
          `<circle cx="${cx(p.i).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="2.6" fill="#fff" stroke="${colour}" stroke-width="1.6"/>`,
      )
      .join('');
    return `<polyline points="${d}" fill="none" stroke="${colour}" stroke-width="1.8"${dash ? ' stroke-dasharray="4 3"' : ''}/>${dots}`;
  };
  parts.push(polyline((p) => p.lastYear, COLOURS.lastYear, true));
  parts.push(polyline((p) => p.cumulative, COLOURS.cumulative, false));
  const items: LegendItem[] = [
    { colour: COLOURS.bar, label: t(locale, 'legendMonth'), kind: 'box' },
    { colour: COLOURS.lastYear, label: t(locale, 'legendLastYear'), kind: 'dash' },
    { colour: COLOURS.cumulative, label: t(locale, 'legendCumulative'), kind: 'line' },
  ];
  if (target !== null) {
    parts.push(
      `<line x1="${L}" x2="${W - R}" y1="${y(target).toFixed(1)}" y2="${y(target).toFixed(1)}" stroke="${COLOURS.target}" stroke-width="1.6" stroke-dasharray="7 4"/>`,
    );
    items.push({ colour: COLOURS.target, label: t(locale, 'legendTarget', { v: target }), kind: 'dash' });
  }
  parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(0)}" y2="${y(0)}" stroke="${COLOURS.axis}"/>`);
  parts.push(legend(items, L, 16, W - L - R).svg);
  parts.push(text(L - 40, 32, 'µg/m³', `fill="${COLOURS.axis}" font-size="10"`));
  parts.push('</svg>');
  return parts.join('');
}

/** Daily PM2.5 of the month, each bar in its AQI level colour (HJ 633 表A.1), with the 24-h limit. */
export function dailyPm25Chart(
  points: readonly DailyPoint[],
  limit: number,
  locale: ReportLocale,
  monthText: string,
): string {
  const W = 680,
    L = 44,
    R = 12,
    B = 30;
  const items: LegendItem[] = AQI_LEVELS.map((l) => ({
    colour: l.colourHex,
    label: locale === 'zh-CN' ? l.nameZh : l.nameEn,
    kind: 'box',
  }));
  items.push({ colour: COLOURS.target, label: t(locale, 'legendDailyLimit', { v: limit }), kind: 'dash' });
  const sand = points.some((p) => p.sandDust) ? `▲ ${t(locale, 'legendSand')}` : '';
  const key = legend(items, L, 14, W - L - R - textWidth(sand) - 12);
  const T = 34 + (key.lines - 1) * 15;
  const H = 186 + T;
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const max = niceMax(Math.max(limit, ...values, 1) * 1.1);
  const y = (v: number) => T + (H - T - B) * (1 - v / max);
  const slot = (W - L - R) / points.length;
  const parts = [
    svgOpen(W, H, t(locale, 'chartDaily', { month: monthText })),
    yAxis(L, W - R, y, max),
    key.svg,
  ];
  if (sand) parts.push(text(W - R, 14, sand, `text-anchor="end" fill="#a0782c" font-size="10"`));
  points.forEach((p, i) => {
    const x = L + slot * i;
    if (p.value !== null) {
      const colour = AQI_LEVELS.find((l) => l.level === p.aqiLevel)?.colourHex ?? COLOURS.bar;
      parts.push(
        `<rect x="${(x + slot * 0.15).toFixed(1)}" y="${y(p.value).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${(y(0) - y(p.value)).toFixed(1)}" fill="${colour}" stroke="#6b7785" stroke-width="0.4"/>`,
      );
    }
    if (p.sandDust)
      parts.push(text(x + slot / 2, T - 4, '▲', `text-anchor="middle" fill="#a0782c" font-size="9"`));
    if ((i + 1) % 5 === 0 || i === 0)
      parts.push(
        text(
          x + slot / 2,
          H - B + 14,
          String(Number(p.day.slice(8))),
          `text-anchor="middle" fill="${COLOURS.axis}"`,
        ),
      );
  });
  parts.push(
    `<line x1="${L}" x2="${W - R}" y1="${y(limit).toFixed(1)}" y2="${y(limit).toFixed(1)}" stroke="${COLOURS.target}" stroke-width="1.4" stroke-dasharray="7 4"/>`,
  );
  parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(0)}" y2="${y(0)}" stroke="${COLOURS.axis}"/>`);
  parts.push('</svg>');
  return parts.join('');
}

export interface BarDatum {
  label: string;
  value: number;
  rank: number;
  mark: 'best' | 'worst' | null;
}

/** Rows shown in a ranking chart: all of a district's units; at city scale the best 10 and worst 10. */
export const MAX_BARS = 40;

/** Horizontal bars in rank order, best-3 green and worst-3 red; an optional reference line (the district). */
export function rankingBarChart(
  data: readonly BarDatum[],
  opts: {
    decimals: number;
    unit: string;
    label: string;
    reference?: { value: number; label: string } | null;
  },
): string {
  const rows: (BarDatum | null)[] =
    data.length > MAX_BARS ? [...data.slice(0, 10), null, ...data.slice(-10)] : [...data];
  const W = 680,
    L = 112,
    R = 56,
    T = 22,
    rowH = 17;
  const H = T + rows.length * rowH + 10;
  const max = niceMax(Math.max(opts.reference?.value ?? 0, ...data.map((d) => d.value), 0.001) * 1.05);
  const x = (v: number) => L + (W - L - R) * (v / max);
  const parts = [svgOpen(W, H, opts.label)];
  parts.push(text(W - R, 14, opts.unit, `text-anchor="end" fill="${COLOURS.axis}" font-size="10"`));
  rows.forEach((d, i) => {
    const top = T + i * rowH;
    if (d === null) {
      parts.push(text(L - 8, top + 12, '⋯', `text-anchor="end" fill="${COLOURS.axis}"`));
      return;
    }
    const colour = d.mark === 'best' ? COLOURS.best : d.mark === 'worst' ? COLOURS.worst : COLOURS.other;
    parts.push(text(L - 8, top + 12, `${d.rank}  ${d.label}`, `text-anchor="end" fill="#1f2933"`));
    parts.push(
      `<rect x="${L}" y="${top + 3}" width="${Math.max(0.5, x(d.value) - L).toFixed(1)}" height="${rowH - 6}" fill="${colour}"/>`,
    );
    parts.push(
      text(x(d.value) + 4, top + 12, fixed(d.value, opts.decimals), `fill="${COLOURS.axis}" font-size="10"`),
    );
  });
  if (opts.reference) {
    const rx = x(opts.reference.value).toFixed(1);
    parts.push(
      `<line x1="${rx}" x2="${rx}" y1="${T - 2}" y2="${H - 6}" stroke="${COLOURS.target}" stroke-dasharray="5 3"/>`,
    );
    parts.push(text(Number(rx) + 3, T - 6, opts.reference.label, `fill="${COLOURS.target}" font-size="10"`));
  }
  parts.push(`<line x1="${L}" x2="${L}" y1="${T}" y2="${H - 8}" stroke="${COLOURS.axis}"/>`);
  parts.push('</svg>');
  return parts.join('');
}
