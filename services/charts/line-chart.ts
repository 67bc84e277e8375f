/**
 * The dashboard's trend line (a unit against its district, month by month or day by day), drawn by the
 * same ECharts module as the reports. Missing values break the line: an empty day is never drawn as zero.
 */
import { INK, renderChartSvg, type ChartSvg } from './echarts-svg.js';

export interface LineSeries {
  label: string;
  colour: string;
  values: (number | null)[];
  dashed?: boolean;
}

export function lineChartSvg(
  id: string,
  labels: readonly string[],
  series: readonly LineSeries[],
  opts: {
    limit?: number | null;
    limitLabel?: string;
    ariaLabel: string;
    /**
     * false: no legend inside the SVG — the caller writes it as HTML text beside the chart. Scaled down to a
     * 390 px phone the SVG's 11-unit legend came out ~6 px, and it cannot grow in place (ECharts lays the
     * items out for the size it was given); HTML text keeps the page's font size at any width.
     */
    legend?: boolean;
  },
): ChartSvg {
  const legend = opts.legend ?? true;
  return renderChartSvg(
    id,
    {
      legend: legend ? { top: 2, textStyle: { fontSize: 11 } } : { show: false },
      grid: { left: 44, right: 14, top: legend ? 30 : 14, bottom: 26 },
      xAxis: {
        type: 'category',
        data: [...labels],
        boundaryGap: false,
        axisLine: { lineStyle: { color: INK.axis } },
        axisLabel: { color: INK.axis, fontSize: 11 },
      },
      yAxis: {
        type: 'value',
        axisLabel: { color: INK.axis, fontSize: 11 },
        splitLine: { lineStyle: { color: INK.grid } },
      },
      series: series.map((s, i) => ({
        name: s.label,
        type: 'line',
        connectNulls: false,
        symbol: 'circle',
        symbolSize: 5,
        itemStyle: { color: s.colour },
        lineStyle: { color: s.colour, width: 2, type: s.dashed ? 'dashed' : 'solid' },
        data: s.values,
        markLine:
          i === 0 && opts.limit
            ? {
                symbol: 'none',
                silent: true,
                lineStyle: { color: '#111111', type: 'dashed', width: 1.2 },
                label: {
                  formatter: opts.limitLabel ?? String(opts.limit),
                  fontSize: 10,
                  position: 'insideEndTop',
                },
                data: [{ yAxis: opts.limit }],
              }
            : undefined,
      })),
    },
    { width: 640, height: 220 },
    opts.ariaLabel,
  );
}
