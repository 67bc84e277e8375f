/**
 * The monthly street/town tables the district bureau circulates (002:2972-2974): dust fall, TSP samples,
 * road dust load and uncontrolled bare land. Levels follow the plans' targets and standards.md §8:
 * dust fall ≈ 4-6 t/km²·month with spring higher (targets 6 → 5.1 → 5, 000:2224, 001:408, 002:2415),
 * TSP daily samples every third day (GB 3095 Table 4 wants ≥ 5 a month), road dust load a few tenths of
 * a g/m² on cleaned main roads, bare land from a few thousand m² in a street to tens of thousands in a town.
 */
import { daysInMonth } from '../../time/shanghai.js';
import { pm25Pm10Ratio, type AirClimate } from './air-climate.js';
import { sandDustPm10 } from './air-stations.js';
import { streamFor } from './prng.js';
import { shanghaiInstant, HOUR } from '../../time/shanghai.js';
import type { WorldArea } from './world.js';

export interface AreaMonth {
  areaId: string;
  dustFall: number;
  /** True when a sand-dust event fell in the month: the value carries the dust (扣除沙尘影响 needs it). */
  sandDustMonth: boolean;
  tspSamples: { day: string; value: number }[];
  roadDustLoad: number;
  bareLand: number;
}

const DUST_FALL_SEASON = [0.95, 1.0, 1.25, 1.32, 1.18, 0.95, 0.8, 0.8, 0.85, 0.95, 1.0, 0.95];
const ROAD_DUST_SEASON = [1.05, 1.1, 1.3, 1.35, 1.15, 0.9, 0.75, 0.75, 0.85, 0.95, 1.0, 1.05];
const DUST_FALL_BASE = 4.4;
const ROAD_DUST_BASE = 0.5;
/** The year before was dustier and barer (2023: bare land halved year on year, 002:934). */
const HISTORY_DUST = 1.07;
const HISTORY_BARE = 1.4;

function lognormal(rng: { normal(): number }, sigma: number): number {
  return Math.exp(sigma * rng.normal() - (sigma * sigma) / 2);
}

function dayMeanSandDust(climate: AirClimate, day: string): number {
  const start = shanghaiInstant(day).getTime();
  let sum = 0;
  for (let h = 0; h < 24; h++) sum += sandDustPm10(climate.events.sandDust, start + h * HOUR);
  return sum / 24;
}

/** The street/town whose new construction site leaves a large bare area in March and April. */
export function bareLandSpikeArea(seed: number, areas: readonly WorldArea[]): string | null {
  const towns = areas.filter((a) => a.districtId === 'tongzhou' && a.kind !== 'street');
  return towns.length === 0 ? null : streamFor(seed, 'bare-land-spike').pick(towns).id;
}

export function generateAreaMonth(
  seed: number,
  area: WorldArea,
  climate: AirClimate,
  month: number,
  replay: boolean,
  spikeAreaId: string | null,
): AreaMonth {
  const year = climate.year;
  const mm = String(month).padStart(2, '0');
  const rng = streamFor(seed, `area-month|${area.id}|${year}-${mm}`);
  const worse = 1 + 0.05 * area.pm25Offset;
  const history = replay ? 1 : HISTORY_DUST;

  const monthStart = shanghaiInstant(`${year}-${mm}-01`).getTime();
  const monthEnd =
    shanghaiInstant(`${year}-${mm}-${String(daysInMonth(year, month)).padStart(2, '0')}`).getTime() +
    24 * HOUR;
  const dustEvents = climate.events.sandDust.filter(
    (e) => e.startsAt.getTime() < monthEnd && e.endsAt.getTime() > monthStart,
  );
  let dustFall = DUST_FALL_BASE * DUST_FALL_SEASON[month - 1]! * worse * history * lognormal(rng, 0.12);
  for (const e of dustEvents) dustFall += (e.peakPm10 / 1000) * rng.uniform(1.2, 2.2);

  const tspSamples: AreaMonth['tspSamples'] = [];
  const firstIndex = climate.days.indexOf(`${year}-${mm}-01`);
  for (let d = 1; d <= daysInMonth(year, month); d += 3) {
    const day = `${year}-${mm}-${String(d).padStart(2, '0')}`;
    const pm10 = (climate.level * climate.dayFactor[firstIndex + d - 1]!) / pm25Pm10Ratio(month);
    const value = (pm10 * 1.55 * worse + dayMeanSandDust(climate, day) * 1.3) * lognormal(rng, 0.1);
    tspSamples.push({ day, value: Math.round(value) });
  }

  const roadDustLoad =
    ROAD_DUST_BASE *
    ROAD_DUST_SEASON[month - 1]! *
    (1 + 0.1 * area.pm25Offset) *
    history *
    lognormal(rng, 0.2);

  const bareRng = streamFor(seed, `bare-land-base|${area.id}`);
  const bareBase = area.kind === 'street' ? bareRng.uniform(2_000, 12_000) : bareRng.uniform(15_000, 70_000);
  let bareLand = bareBase * (1 - 0.03 * (month - 1)) * (replay ? 1 : HISTORY_BARE) * lognormal(rng, 0.15);
  if (replay && area.id === spikeAreaId && (month === 3 || month === 4))
    bareLand += month === 3 ? 140_000 : 70_000;

  return {
    areaId: area.id,
    dustFall: Math.round(dustFall * 10) / 10,
    sandDustMonth: dustEvents.length > 0,
    tspSamples,
    roadDustLoad: Math.round(roadDustLoad * 100) / 100,
    bareLand: Math.round(bareLand),
  };
}
