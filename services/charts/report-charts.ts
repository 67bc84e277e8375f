/**
 * The charts the reports rank and summarise, as ECharts options: the year's monthly PM2.5, the month's
 * daily PM2.5, a ranking per metric (PM2.5, dust fall, TSP, road dust load, bare land…) and the water
 * sections' classes, each with its target line. Callers pass their labels already translated, so this
 * module knows charts, not languages.
 *
 * Grey-scale safe: series differ by lightness and by line style (solid, dashed, dotted), the target is
 * always a black dashed line, and best/worst bars are marked in their labels as well as by colour.
 */
import { AQI_LEVELS } from '../standards/index.js';
import { INK, renderChartSvg, type ChartSvg } from './echarts-svg.js';

export const REPORT_CHART_WIDTH = 680;
const TARGET = { color: '#111111', type: 'dashed' as const, width: 1.5 };
const SHADES = { main: '#2f5d8a', lastYear: '#9aa5b1', cumulative: '#111111', other: '#8c98a6' };
const MARKS = { best: '#b9dcc4', worst: '#7b241c' };

function axisStyle() {
  return {
    axisLine: { lineStyle: { color: INK.axis } },
    axisLabel: { color: INK.axis, fontSize: 11 },
    splitLine: { lineStyle: { color: INK.grid } },
  };
}

/** A value axis named by its unit, in the house axis style. */
function valueAxis(unit: string) {
  return {
    type: 'value' as const,
    name: unit,
    nameTextStyle: { fontSize: 10, color: INK.axis },
    ...axisStyle(),
  };
}

/** A line series of the monthly chart: last year's months, the cumulative mean. */
function trendLine(
  name: string,
  color: string,
  dash: 'dashed' | 'solid',
  [symbol, symbolSize]: [string, number],
  data: (number | null)[],
) {
  return {
    name,
    type: 'line' as const,
    symbol,
    symbolSize,
    itemStyle: { color },
    lineStyle: { type: dash, color, width: 1.8 },
    data,
  };
}

function targetLine(value: number | null, label: string, axis: 'xAxis' | 'yAxis') {
  if (value === null) return undefined;
  return {
    symbol: 'none',
    silent: true,
    lineStyle: TARGET,
    label: { formatter: label, color: INK.text, fontSize: 10, position: 'insideEndTop' as const },
    data: [{ [axis]: value }],
  };
}

export interface MonthlyPoint {
  month: string;
  value: number | null;
  lastYear: number | null;
  cumulative: number | null;
}

/** The year's monthly PM2.5 as bars, last year's months dashed, the cumulative mean solid, the annual target. */
export function monthlyPm25Chart(
  id: string,
  points: readonly MonthlyPoint[],
  target: number | null,
  l: {
    title: string;
    months: string[];
    month: string;
    lastYear: string;
    cumulative: string;
    target: string;
    unit: string;
  },
): ChartSvg {
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return renderChartSvg(
    id,
    {
      legend: { top: 4, itemWidth: 18, textStyle: { fontSize: 11 } },
      grid: { left: 48, right: 16, top: 40, bottom: 28 },
      xAxis: { type: 'category', data: l.months, ...axisStyle() },
      yAxis: valueAxis(l.unit),
      series: [
        {
          name: l.month,
          type: 'bar',
          barWidth: '55%',
          itemStyle: { color: SHADES.main },
          label: { show: true, position: 'inside', color: '#fff', fontSize: 10, formatter: '{c}' },
          data: points.map((p) => (p.value === null ? null : Math.round(p.value))),
          markLine: targetLine(target, l.target, 'yAxis'),
        },
        // Told apart in grey-scale print by dash and marker, not by colour alone.
        trendLine(
          l.lastYear,
          SHADES.lastYear,
          'dashed',
          ['circle', 5],
          points.map((p) => round(p.lastYear)),
        ),
        trendLine(
          l.cumulative,
          SHADES.cumulative,
          'solid',
          ['emptyCircle', 6],
          points.map((p) => round(p.cumulative)),
        ),
      ],
    },
    { width: REPORT_CHART_WIDTH, height: 270 },
    l.title,
  );
}

export interface DailyPoint {
  day: string;
  value: number | null;
  aqiLevel: number | null;
  sandDust: boolean;
}

/** The month's daily PM2.5, each bar in its AQI level colour (HJ 633 表A.1), ▲ over sand-dust days, the 24-h limit. */
export function dailyPm25Chart(
  id: string,
  points: readonly DailyPoint[],
  limit: number,
  l: { title: string; levels: string[]; limit: string; sandDust: string; unit: string },
): ChartSvg {
  const colour = (level: number | null) =>
    AQI_LEVELS.find((a) => a.level === level)?.colourHex ?? SHADES.main;
  // One empty series per AQI level carries its legend entry; the data series colours each bar itself.
  const legendSeries = AQI_LEVELS.map((a, i) => ({
    name: l.levels[i] ?? a.nameZh,
    type: 'bar' as const,
    data: [] as number[],
    itemStyle: { color: a.colourHex, borderColor: INK.axis, borderWidth: 0.4 },
  }));
  const sand = points.some((p) => p.sandDust) ? `▲ ${l.sandDust}` : null;
  if (sand)
    legendSeries.push({
      name: sand,
      type: 'bar',
      data: [],
      itemStyle: { color: 'transparent', borderColor: 'transparent', borderWidth: 0 },
    });
  return renderChartSvg(
    id,
    {
      legend: {
        top: 4,
        itemWidth: 12,
        itemHeight: 10,
        textStyle: { fontSize: 10 },
        // The levels (and the sand-dust mark) only: the data series colours its bars itself.
        data: legendSeries.map((x) => (x.name === sand ? { name: x.name, icon: 'none' } : x.name)),
      },
      grid: { left: 48, right: 16, top: 44, bottom: 28 },
      xAxis: {
        type: 'category',
        data: points.map((p) => String(Number(p.day.slice(8)))),
        ...axisStyle(),
        axisLabel: { color: INK.axis, fontSize: 10, interval: 4 },
      },
      yAxis: valueAxis(l.unit),
      series: [
        ...legendSeries,
        {
          name: l.title,
          type: 'bar',
          barWidth: '70%',
          barGap: '-100%',
          data: points.map((p) => ({
            value: p.value === null ? null : Math.round(p.value),
            itemStyle: { color: colour(p.aqiLevel), borderColor: INK.axis, borderWidth: 0.4 },
            label: p.sandDust
              ? { show: true, position: 'top' as const, formatter: '▲', color: '#6b4f1d', fontSize: 9 }
              : undefined,
          })),
          markLine: targetLine(limit, l.limit, 'yAxis'),
        },
      ],
    },
    { width: REPORT_CHART_WIDTH, height: 250 },
    l.title,
  );
}

export interface RankingBar {
  label: string;
  value: number;
  rank: number;
  mark: 'best' | 'worst' | null;
}

/** Rows shown in a ranking chart: all of a district's units; at city scale the best 10 and worst 10. */
export const MAX_BARS = 40;

/**
 * Horizontal bars in rank order (rank 1 on top): best marked light with ○, worst dark with ●, a line for
 * the district's own value and one for the limit the units are held to (e.g. dust fall 5 t/km²·month).
 */
export function rankingBarChart(
  id: string,
  data: readonly RankingBar[],
  o: {
    title: string;
    unit: string;
    decimals: number;
    reference?: { value: number; label: string } | null;
    target?: { value: number; label: string } | null;
  },
): ChartSvg {
  const rows = data.length > MAX_BARS ? [...data.slice(0, 10), null, ...data.slice(-10)] : [...data];
  const sign = (m: RankingBar['mark']) => (m === 'best' ? ' ○' : m === 'worst' ? ' ●' : '');
  // The two vertical lines' names sit on top, each on the side away from the other, so that close values
  // (通州区 42.0 beside 目标 45) do not print over each other.
  const lowerIsReference = !o.target || !o.reference || o.reference.value <= o.target.value;
  const nameSide = (isReference: boolean) =>
    isReference === lowerIsReference
      ? { align: 'right', padding: [0, 3, 0, 0] }
      : { align: 'left', padding: [0, 0, 0, 3] };
  const lines = [
    o.reference
      ? {
          xAxis: o.reference.value,
          name: o.reference.label,
          lineStyle: { type: 'dotted', color: INK.axis, width: 1.2 },
          label: nameSide(true),
        }
      : null,
    o.target
      ? { xAxis: o.target.value, name: o.target.label, lineStyle: TARGET, label: nameSide(false) }
      : null,
  ].filter((x) => x !== null);
  return renderChartSvg(
    id,
    {
      grid: { left: 118, right: 56, top: 26, bottom: 22 },
      xAxis: valueAxis(o.unit),
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((r) => (r === null ? '⋯' : `${r.rank}  ${r.label}${sign(r.mark)}`)),
        axisLine: { lineStyle: { color: INK.axis } },
        axisTick: { show: false },
        axisLabel: { color: INK.text, fontSize: 11 },
      },
      series: [
        {
          type: 'bar',
          barWidth: '62%',
          label: {
            show: true,
            position: 'right',
            fontSize: 10,
            color: INK.axis,
            // A white backing, so a line crossing the end of a bar does not run through its value.
            backgroundColor: '#fff',
            padding: [0, 2],
            formatter: (p: { value: unknown }) =>
              typeof p.value === 'number' ? p.value.toFixed(o.decimals) : '',
          },
          data: rows.map((r) =>
            r === null
              ? null
              : {
                  value: r.value,
                  itemStyle: {
                    color: r.mark ? MARKS[r.mark] : SHADES.other,
                    borderColor: r.mark === 'best' ? '#2e6b44' : undefined,
                    borderWidth: r.mark === 'best' ? 0.8 : 0,
                  },
                },
          ),
          markLine: lines.length
            ? {
                // Below the bars' value labels (ECharts draws a markLine at z 5 by default, over them), so
                // the labels' white backing keeps a line crossing the end of a bar out of its value.
                z: 1,
                symbol: 'none',
                silent: true,
                label: { formatter: '{b}', fontSize: 10, color: INK.text, position: 'start' as const },
                data: lines,
              }
            : undefined,
        },
      ],
    },
    { width: REPORT_CHART_WIDTH, height: 48 + rows.length * 18 },
    o.title,
  );
}

export interface WaterClassBar {
  label: string;
  /** 1..6 (6 = 劣Ⅴ); null without a sample. */
  waterClass: number | null;
  targetClass: number | null;
}

/** Each section's class as a bar (Ⅰ…劣Ⅴ), its target class as a black diamond; bars over target are dark. */
export function waterClassChart(
  id: string,
  sections: readonly WaterClassBar[],
  l: { title: string; classLabels: string[]; measured: string; target: string },
): ChartSvg {
  return renderChartSvg(
    id,
    {
      legend: { top: 2, textStyle: { fontSize: 10 } },
      grid: { left: 130, right: 24, top: 28, bottom: 22 },
      xAxis: {
        type: 'value',
        min: 0,
        max: 6,
        interval: 1,
        ...axisStyle(),
        axisLabel: {
          color: INK.axis,
          fontSize: 10,
          formatter: (v: number) => (v === 0 ? '' : (l.classLabels[v - 1] ?? '')),
        },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: sections.map((s) => s.label),
        axisTick: { show: false },
        axisLabel: { color: INK.text, fontSize: 10 },
      },
      series: [
        {
          name: l.measured,
          type: 'bar',
          barWidth: '60%',
          itemStyle: { color: SHADES.other },
          data: sections.map((s) => ({
            value: s.waterClass,
            itemStyle: {
              color:
                s.waterClass !== null && s.targetClass !== null && s.waterClass > s.targetClass
                  ? MARKS.worst
                  : SHADES.other,
            },
          })),
        },
        {
          name: l.target,
          type: 'line',
          symbol: 'diamond',
          symbolSize: 9,
          lineStyle: { opacity: 0 },
          itemStyle: { color: '#111111' },
          data: sections.map((s) => s.targetClass),
        },
      ],
    },
    { width: REPORT_CHART_WIDTH, height: 56 + sections.length * 16 },
    l.title,
  );
}
