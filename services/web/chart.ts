/**
 * A small server-side SVG line chart: no chart library and no script, readable on a phone. Invalid or
 * missing values break the line (an empty day is never drawn as zero).
 */
import { escapeHtml, html, raw, type SafeHtml } from './html.js';

export interface ChartSeries {
  label: string;
  colour: string;
  values: (number | null)[];
  dashed?: boolean;
}

const W = 640;
const H = 220;
const PAD = { left: 40, right: 12, top: 28, bottom: 28 };

/** A round step (1, 2 or 5 × 10^k) so that four steps cover `max`: axis labels read 0, 20, 40, 60, 80. */
function niceStep(max: number): number {
  const raw = max / 4;
  const k = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * k).find((s) => s >= raw)!;
}

export function lineChart(
  labels: string[],
  series: ChartSeries[],
  opts: { limit?: number | null; ariaLabel: string },
): SafeHtml {
  const all = series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  if (opts.limit) all.push(opts.limit);
  const step = niceStep(all.length ? Math.max(...all, 1) : 1);
  const max = step * Math.max(1, Math.ceil((all.length ? Math.max(...all) : 1) / step));
  const n = Math.max(labels.length, 1);
  const x = (i: number) => PAD.left + (n === 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const y = (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const paths = series.map((s) => {
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    const dots = s.values
      .map((v, i) =>
        v === null
          ? ''
          : `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="${s.colour}"/>`,
      )
      .join('');
    return `<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>${dots}`;
  });
  const ticks = Array.from({ length: Math.round(max / step) + 1 }, (_, i) => i * step).map((v) => {
    return `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e3e7ec"/><text x="${PAD.left - 4}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Number(v.toPrecision(6))}</text>`;
  });
  const every = Math.ceil(n / 12);
  const xLabels = labels
    .map((l, i) =>
      i % every === 0
        ? `<text x="${x(i).toFixed(1)}" y="${H - 8}" text-anchor="middle">${escapeHtml(l)}</text>`
        : '',
    )
    .join('');
  const limitLine = opts.limit
    ? `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(opts.limit).toFixed(1)}" y2="${y(opts.limit).toFixed(1)}" stroke="#c62828" stroke-dasharray="3 3"/>`
    : '';
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${PAD.left + 8 + i * 140}" y="9" width="14" height="3" fill="${s.colour}"/><text x="${PAD.left + 28 + i * 140}" y="14">${escapeHtml(s.label)}</text>`,
    )
    .join('');
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${opts.ariaLabel}">
    ${raw(ticks.join('') + limitLine + paths.join('') + xLabels + legend)}
  </svg>`;
}
