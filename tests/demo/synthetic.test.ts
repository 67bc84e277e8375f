/**
 * The demo's synthetic year: a pure function of (seed, options, reference data), at the district's scale
 * (action-plans.md §6), with the planted events and faults where the demo's story needs them.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadReferenceSet } from '../../services/reference/load-reference.js';
import { classifySection } from '../../services/standards/index.js';
import { DEFAULT_DEMO_OPTIONS, DemoDataset, type Delivery } from '../../services/demo/synthetic/dataset.js';
import { worsenedAreaIds } from '../../services/demo/synthetic/air-stations.js';
import { meanOfValid, scopeDailyMeans } from '../../services/demo/synthetic/monthly-means.js';
import { worldFromReference, type DemoWorld } from '../../services/demo/synthetic/world.js';

let world: DemoWorld;

beforeAll(async () => {
  world = worldFromReference(
    await loadReferenceSet(path.resolve(import.meta.dirname, '../../config/reference')),
  );
});

function hashStep(ds: DemoDataset, phase: 'history' | 'replay', month: string): string {
  const h = createHash('sha256');
  const step = ds.buildStep({ phase, month });
  for (const d of step.deliveries) h.update(JSON.stringify(payloadOf(d)));
  return h.digest('hex');
}

function payloadOf(d: Delivery): unknown {
  if (d.route === 'http_pull') return [d.name, d.rows, d.publishedAt];
  if (d.route === 'hj212')
    return [d.name, d.traffic.map((t) => [t.mn, t.packets.map((p) => p.toString('base64'))])];
  return [d.name, d.table];
}

type YearData = ReturnType<DemoDataset['stationMonths']>[];

/** A year of generated station data, month by month (generated once per test group). */
function yearOf(ds: DemoDataset, replay: boolean): YearData {
  const year = replay ? ds.options.year : ds.options.year - 1;
  return Array.from({ length: 12 }, (_, i) =>
    ds.stationMonths(`${year}-${String(i + 1).padStart(2, '0')}`, replay),
  );
}

/** Daily mean PM2.5 of a district (or one of its streets/towns) for every day of the year. */
function dailyMeans(ds: DemoDataset, data: YearData, districtId: string, areaId?: string): number[] {
  const include = (k: number) =>
    ds.stations[k]!.area.districtId === districtId && (!areaId || ds.stations[k]!.area.id === areaId);
  return data.flatMap(({ months, masks }) => [...scopeDailyMeans(months, masks, include)]);
}

describe('determinism', () => {
  test('the same seed gives the same deliveries, byte for byte', () => {
    const a = new DemoDataset(DEFAULT_DEMO_OPTIONS, world);
    const b = new DemoDataset(DEFAULT_DEMO_OPTIONS, world);
    for (const [phase, month] of [
      ['history', '2023-02'],
      ['replay', '2024-01'],
      ['replay', '2024-03'],
    ] as const) {
      expect(hashStep(a, phase, month)).toBe(hashStep(b, phase, month));
    }
  });

  test('a step does not depend on which steps were built before it', () => {
    const a = new DemoDataset(DEFAULT_DEMO_OPTIONS, world);
    const b = new DemoDataset(DEFAULT_DEMO_OPTIONS, world);
    a.buildStep({ phase: 'replay', month: '2024-01' });
    expect(hashStep(a, 'replay', '2024-02')).toBe(hashStep(b, 'replay', '2024-02'));
  });

  test('another seed gives another year', () => {
    const a = new DemoDataset(DEFAULT_DEMO_OPTIONS, world);
    const b = new DemoDataset({ ...DEFAULT_DEMO_OPTIONS, seed: DEFAULT_DEMO_OPTIONS.seed + 1 }, world);
    expect(hashStep(a, 'replay', '2024-01')).not.toBe(hashStep(b, 'replay', '2024-01'));
  });
});

describe('realism (action-plans.md §6: district PM2.5 ≈ 35-55, Q1 markedly worse)', () => {
  let ds: DemoDataset;
  let replayed: YearData;
  let daily: number[];
  beforeAll(() => {
    ds = new DemoDataset(DEFAULT_DEMO_OPTIONS, world);
    replayed = yearOf(ds, true);
    daily = dailyMeans(ds, replayed, 'tongzhou');
  });

  test('the district annual mean PM2.5 is within 35-45 µg/m³ and Q1 is worse than the year', () => {
    const annual = meanOfValid(daily);
    expect(annual).toBeGreaterThanOrEqual(35);
    expect(annual).toBeLessThanOrEqual(45);
    expect(meanOfValid(daily.slice(0, 91))).toBeGreaterThan(annual + 5);
  });

  test('the year has at least four heavy-pollution days (district daily mean > 150), Q1 more than three', () => {
    expect(daily.filter((v) => v > 150).length).toBeGreaterThanOrEqual(4);
    expect(daily.slice(0, 91).filter((v) => v > 150).length).toBeGreaterThan(3);
  });

  test('the district improves on the year before while the areas pushed worse do not', () => {
    const history = yearOf(ds, false);
    expect(meanOfValid(daily)).toBeLessThan(meanOfValid(dailyMeans(ds, history, 'tongzhou')) - 1);
    const worsened = worsenedAreaIds(ds.stations);
    expect(worsened).toHaveLength(3);
    for (const areaId of worsened) {
      const q1 = (data: YearData) => meanOfValid(dailyMeans(ds, data, 'tongzhou', areaId).slice(0, 90));
      expect(q1(replayed)).toBeGreaterThan(q1(history));
    }
  });

  test('sand-dust hours carry PM10 in the hundreds to thousands with PM2.5 a small share of it', () => {
    const [event] = ds.replay.events.sandDust;
    const { months } = replayed[2]!;
    const peak = months
      .flatMap((sm) => [...sm.times].map((t, i) => ({ t, pm10: sm.pm10[i]!, pm25: sm.pm25[i]! })))
      .filter((h) => h.t >= event!.startsAt.getTime() && h.t < event!.endsAt.getTime())
      .sort((a, b) => b.pm10 - a.pm10)[0]!;
    expect(peak.pm10).toBeGreaterThan(800);
    expect(peak.pm25 / peak.pm10).toBeLessThan(0.35);
  });
});

describe('what the demo plants', () => {
  const ds = () => new DemoDataset({ ...DEFAULT_DEMO_OPTIONS, months: 3 }, world);

  test('January carries the bad rows, each with the refusal it must cause', () => {
    const step = ds().buildStep({ phase: 'replay', month: '2024-01' });
    const planted: Record<string, number> = {};
    for (const d of step.deliveries)
      for (const [k, n] of Object.entries(d.expectedRefusals)) planted[k] = (planted[k] ?? 0) + (n ?? 0);
    expect(planted).toEqual({
      NEGATIVE_VALUE: 2,
      IMPLAUSIBLE_VALUE: 1,
      FUTURE_TIMESTAMP: 2,
      UNKNOWN_SERIES: 3,
      MISSING_TIMEZONE: 1,
    });
    const feed = step.deliveries.find((d) => d.route === 'http_pull');
    expect(feed?.route === 'http_pull' && feed.rows.filter((r) => r.unit === 'mg/m3')).toHaveLength(4);
  });

  test('the audited January arrives in March, the sand-dust period in March, the warning in January', () => {
    const d = ds();
    const kinds = (month: string) => d.buildStep({ phase: 'replay', month }).deliveries.map((x) => x.kind);
    expect(kinds('2024-01')).toEqual(expect.arrayContaining(['warning', 'station_hourly']));
    expect(kinds('2024-02')).not.toContain('station_audited');
    expect(kinds('2024-03')).toEqual(expect.arrayContaining(['station_audited', 'sand_dust']));
  });

  test('city ranks order our units by the values they are ranked on', () => {
    const step = ds().buildStep({ phase: 'replay', month: '2024-02' });
    for (const r of step.rankings) {
      expect(r.ranked).toBe(330);
      const ours = r.units.filter((u) => u.areaId !== null);
      for (let i = 1; i < ours.length; i++) {
        expect(ours[i]!.value >= ours[i - 1]!.value).toBe(true);
        expect(ours[i]!.rank >= ours[i - 1]!.rank).toBe(true);
      }
    }
  });

  test("water samples carry the class GB 3838's single-factor rule gives their parameters", () => {
    const step = ds().buildStep({ phase: 'replay', month: '2024-03' });
    const water = step.deliveries.find((d) => d.kind === 'water_samples');
    if (water?.route !== 'file_drop') throw new Error('no water file');
    const bySample = new Map<string, Record<string, number>>();
    for (const [time, series, metric, value] of water.table.rows) {
      const key = `${series}|${time}`;
      bySample.set(key, { ...bySample.get(key), [metric!]: Number(value) });
    }
    expect(bySample.size).toBe(world.sections.length);
    for (const { water_class, tn: _tn, ...params } of bySample.values()) {
      expect(classifySection(params, { waterbody: 'river' }).class).toBe(water_class);
    }
    expect([...bySample.values()].some((p) => p.water_class === 6)).toBe(true); // the planted 劣Ⅴ month
  });
});
