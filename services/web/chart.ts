/**
 * The dashboard's line chart: the shared ECharts module (services/charts) rendered on the server as SVG,
 * no script in the page, readable on a phone.
 */
import { createHash } from 'node:crypto';
import { lineChartSvg, type LineSeries } from '../charts/line-chart.js';
import { raw, type SafeHtml } from './html.js';

export type ChartSeries = LineSeries;

export function lineChart(
  labels: string[],
  series: ChartSeries[],
  opts: { limit?: number | null; ariaLabel: string },
): SafeHtml {
  // The id prefixes the chart's clip paths: derived from its label, so two charts of a page never share one.
  const id = `chart-${createHash('sha1').update(opts.ariaLabel).digest('hex').slice(0, 8)}`;
  const { svg } = lineChartSvg(id, labels, series, opts);
  return raw(svg.replace('<svg ', '<svg class="chart" '));
}
