/**
 * The dashboard's line chart: the shared ECharts module (services/charts) rendered on the server as SVG,
 * no script in the page, readable on a phone.
 */
import { createHash } from 'node:crypto';
import { lineChartSvg, type LineSeries } from '../charts/line-chart.js';
import { districtMapSvg, type DistrictMapInput } from '../charts/district-map.js';
import { html, raw, type SafeHtml } from './html.js';

export type ChartSeries = LineSeries;

const lineCache = new Map<string, SafeHtml>();

/**
 * A trend chart with its legend. Drawing one through ECharts costs ~10 ms (far more on a loaded machine),
 * and the same chart is asked for by every visit until the data change, so each distinct input is drawn once
 * and kept (bounded: the oldest goes first; the key is the whole input, so new data draws anew).
 */
export function lineChart(
  labels: string[],
  series: ChartSeries[],
  opts: { limit?: number | null; ariaLabel: string },
): SafeHtml {
  const key = JSON.stringify([labels, series, opts]);
  let out = lineCache.get(key);
  if (!out) {
    out = drawLineChart(labels, series, opts);
    if (lineCache.size >= 256) lineCache.delete(lineCache.keys().next().value!);
    lineCache.set(key, out);
  }
  return out;
}

function drawLineChart(
  labels: string[],
  series: ChartSeries[],
  opts: { limit?: number | null; ariaLabel: string },
): SafeHtml {
  // The id prefixes the chart's clip paths: derived from its label, so two charts of a page never share one.
  const id = `chart-${createHash('sha1').update(opts.ariaLabel).digest('hex').slice(0, 8)}`;
  const { svg } = lineChartSvg(id, labels, series, { ...opts, legend: false });
  // The legend is page text (wraps on a phone, reads at the page's size); each key repeats its line's look.
  return html`<figure class="line-chart">
    <figcaption class="chart-legend">
      ${series.map((s) => html`<span class="key">${legendSwatch(s)}${s.label}</span>`)}
    </figcaption>
    ${raw(presentationAttributes(svg).replace('<svg ', '<svg class="chart" '))}
  </figure>`;
}

/** A line's colour and dash with its point marker, as a small inline SVG (no inline style: the CSP). */
function legendSwatch(s: ChartSeries): SafeHtml {
  return html`<svg class="swatch" width="26" height="10" viewBox="0 0 26 10" aria-hidden="true">
    <line
      x1="1"
      y1="5"
      x2="25"
      y2="5"
      stroke="${s.colour}"
      stroke-width="2.5"
      stroke-dasharray="${s.dashed ? '5 3' : 'none'}"
    />
    <circle cx="13" cy="5" r="3.5" fill="${s.colour}" />
  </svg>`;
}

/**
 * ECharts writes text styles as style="font-size:11px;font-family:…", which the pages' CSP (style-src 'self')
 * blocks with a console error per label. SVG takes the same properties as presentation attributes, which no
 * CSP governs: style="a:b;c:d" becomes a="b" c="d". Its <style> block holds only :hover emphasis rules (no
 * script runs in these pages to use them) and is dropped for the same reason.
 */
export function presentationAttributes(svg: string): string {
  return svg.replace(/<style[^>]*>[\s\S]*?<\/style>/g, '').replace(/ style="([^"]*)"/g, (_, css: string) =>
    css
      .split(';')
      .map((d) => d.trim())
      .filter((d) => d.includes(':'))
      .map((d) => {
        const i = d.indexOf(':');
        return ` ${d.slice(0, i).trim()}="${d.slice(i + 1).trim()}"`;
      })
      .join(''),
  );
}

const mapCache = new Map<string, SafeHtml>();

/**
 * The district map as inline SVG. Drawing it costs ~200 ms (hundreds of outline vertices through ECharts)
 * while its input changes only when a site is registered or moved, so each distinct input is drawn once and
 * kept (a handful of entries: one per district and language).
 */
export function districtMap(input: DistrictMapInput): SafeHtml {
  const key = JSON.stringify(input);
  let out = mapCache.get(key);
  if (!out) {
    const id = `map-${createHash('sha1').update(key).digest('hex').slice(0, 8)}`;
    out = raw(
      presentationAttributes(districtMapSvg(id, input).svg).replace('<svg ', '<svg class="chart map" '),
    );
    if (mapCache.size >= 32) mapCache.delete(mapCache.keys().next().value!);
    mapCache.set(key, out);
  }
  return out;
}
