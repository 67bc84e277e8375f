/**
 * Apache ECharts in its server-side mode: an option in, an SVG string out, no DOM and no browser. Every
 * chart of the reports, their e-mails and the dashboard goes through `renderChartSvg`, so they look alike
 * and print alike.
 *
 * ECharts names the clip paths and classes of each instance after a process-wide counter (zr0-, zr1-…):
 * the same chart drawn twice would differ, and two charts inlined in one page could pick up each other's
 * clip paths. The prefix is replaced by the chart's own id, which makes the output a pure function of
 * (id, option, size) and unique within a page.
 */
import { BarChart, LineChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { CHART_FONT_FAMILY } from './fonts.js';

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  SVGRenderer,
]);

export interface ChartSize {
  width: number;
  height: number;
}

export interface ChartSvg extends ChartSize {
  id: string;
  svg: string;
}

/** Text and axis greys shared by every chart (dark enough for a grey-scale laser print). */
export const INK = { text: '#1f2933', axis: '#46515e', grid: '#d5dbe2' };

function escapeAttr(s: string): string {
  return s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Class and clip-path names (`<id>-cls-3`, `<id>-c7`) count on across instances too: renumbered in order of
 * first appearance, per kind.
 */
function renumber(svg: string, id: string): string {
  const seen = new Map<string, number>();
  const counts = new Map<string, number>();
  return svg.replace(new RegExp(`\\b${id}-([a-z]+-?)(\\d+)\\b`, 'g'), (_m, kind: string, n: string) => {
    const key = `${kind}${n}`;
    let k = seen.get(key);
    if (k === undefined) {
      k = counts.get(kind) ?? 0;
      counts.set(kind, k + 1);
      seen.set(key, k);
    }
    return `${id}-${kind}${k}`;
  });
}

/** Draws `option` as SVG. `id` must be unique within the page the chart goes into ([a-z0-9-]). */
export function renderChartSvg(
  id: string,
  option: EChartsCoreOption,
  size: ChartSize,
  label: string,
): ChartSvg {
  if (!/^[a-z][a-z0-9-]*$/i.test(id))
    throw new Error(`chart id ${JSON.stringify(id)}: expected [a-z][a-z0-9-]*`);
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: size.width,
    height: size.height,
  });
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: CHART_FONT_FAMILY, color: INK.text },
      ...option,
    });
    const svg = renumber(chart.renderToSVGString().replace(/\bzr\d+-/g, `${id}-`), id).replace(
      '<svg ',
      `<svg role="img" aria-label="${escapeAttr(label)}" `,
    );
    return { id, svg, ...size };
  } finally {
    chart.dispose();
  }
}
