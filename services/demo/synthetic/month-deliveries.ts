/**
 * A month's files other than the station data: the districts' street/town tables, TSP samples and dust fall,
 * the city's rankings, the water samples; and the events the month brought (a sand-dust period, a warning
 * issued and lifted at its own moments).
 */
import { MINUTE, addMonths, shanghaiInstant } from '../../time/shanghai.js';
import type { AirClimate } from './air-climate.js';
import { generateAreaMonth } from './area-tables.js';
import { CITY_RANK_METRICS, rankCity, type CityRanking, type CityRankMetric } from './city-ranks.js';
import { DEMO_SOURCES, fileDelivery, type Delivery } from './delivery.js';
import type { SandDustEvent, WarningEvent } from './events.js';
import type { Version } from './feed-rows.js';
import {
  areaWideTable,
  rankingTable,
  sandDustTable,
  tspAndDistrictDustFall,
  warningTable,
  waterTable,
} from './tables.js';
import { generateWaterSample, plannedWaterMisses } from './water.js';
import type { WorldArea, WorldSection } from './world.js';

export const DISTRICTS = [
  { id: 'tongzhou', nameZh: '通州区' },
  { id: 'bda', nameZh: '北京经济技术开发区' },
];

export interface MonthInput {
  seed: number;
  month: string;
  replay: boolean;
  climate: AirClimate;
  areas: readonly WorldArea[];
  sections: readonly WorldSection[];
  /** Each street/town's monthly PM2.5 as envwatch will compute it from the station data (the ranked value). */
  pm25ByArea: ReadonlyMap<string, number>;
  spikeAreaId: string | null;
  /** The street/town whose TSP sample loses its time zone this month, if any. */
  missingZoneAreaId: string | null;
}

function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}

export function monthTableDeliveries(input: MonthInput): { deliveries: Delivery[]; rankings: CityRanking[] } {
  const { seed, month, replay, climate, areas } = input;
  const m = Number(month.slice(5, 7));
  const version: Version = replay ? 'provisional' : 'audited';
  const deliveries: Delivery[] = [];
  const values = areas.map((a) => generateAreaMonth(seed, a, climate, m, replay, input.spikeAreaId));
  for (const d of DISTRICTS) {
    const own = areas.filter((a) => a.districtId === d.id);
    if (own.length === 0) continue;
    // BDA keeps its land ledger in 亩; its table arrives from its own bureau.
    const table = areaWideTable(month, d.nameZh, own, values, d.id === 'bda');
    deliveries.push(
      fileDelivery(
        'area_monthly',
        DEMO_SOURCES.districtTables,
        `area-monthly_${d.id}_${month}.xlsx`,
        'wide',
        table,
      ),
    );
  }
  const tsp = tspAndDistrictDustFall(month, areas, values, DISTRICTS, version, input.missingZoneAreaId);
  deliveries.push(
    fileDelivery('tsp_and_dust_fall', DEMO_SOURCES.districtTables, `tsp-dust-fall_${month}.csv`, 'long', tsp),
  );

  // Our units enter the city's ranking with the values they are delivered with.
  const byArea = new Map(values.map((v) => [v.areaId, v]));
  const valueOf: Record<CityRankMetric, (id: string) => number | undefined> = {
    city_rank_pm25: (id) => input.pm25ByArea.get(id),
    city_rank_tsp: (id) => mean(byArea.get(id)?.tspSamples.map((s) => s.value) ?? []),
    city_rank_road_dust_load: (id) => byArea.get(id)?.roadDustLoad,
    city_rank_bare_land: (id) => byArea.get(id)?.bareLand,
  };
  const rankings = CITY_RANK_METRICS.map((metric) =>
    rankCity(
      seed,
      metric,
      month,
      areas.flatMap((a) => {
        const v = valueOf[metric](a.id);
        return v === undefined ? [] : [{ areaId: a.id, name: a.shortZh, value: v }];
      }),
    ),
  );
  const districtName = (areaId: string) =>
    DISTRICTS.find((d) => d.id === areas.find((a) => a.id === areaId)?.districtId)?.nameZh ?? '';
  const ranking = rankingTable(month, rankings, districtName);
  deliveries.push(
    fileDelivery(
      'city_ranking',
      DEMO_SOURCES.cityRanking,
      `city-ranking_${month}.csv`,
      'city_ranking',
      ranking,
    ),
  );

  const misses = replay ? plannedWaterMisses(input.sections, climate.year) : null;
  const samples = input.sections.map((s) => generateWaterSample(seed, s, climate.year, m, misses));
  deliveries.push(
    fileDelivery(
      'water_samples',
      DEMO_SOURCES.water,
      `water-sections_${month}.csv`,
      'long',
      waterTable(samples, version),
    ),
  );
  return { deliveries, rankings };
}

/** Sand-dust periods determined and warnings issued in the month. */
export function eventDeliveries(
  climate: AirClimate,
  month: string,
): { deliveries: Delivery[]; sandDust: SandDustEvent[]; warnings: WarningEvent[] } {
  const from = shanghaiInstant(`${month}-01`).getTime();
  const to = shanghaiInstant(`${addMonths(month, 1)}-01`).getTime();
  const inMonth = (d: Date) => d.getTime() >= from && d.getTime() < to;
  const deliveries: Delivery[] = [];
  const sandDust = climate.events.sandDust.filter((e) => inMonth(e.startsAt));
  if (sandDust.length > 0) {
    const table = sandDustTable(sandDust);
    deliveries.push(
      fileDelivery('sand_dust', DEMO_SOURCES.sandDust, `sand-dust_${month}.csv`, 'sand_dust', table, 0),
    );
  }
  const warnings = climate.events.warnings.filter((w) => inMonth(w.issuedAt));
  for (const w of warnings) {
    // The command office's notices arrive minutes after it issues and lifts the warning.
    for (const lifted of [false, true]) {
      const name = `warning_${w.externalId}_${lifted ? 'lifted' : 'issued'}.csv`;
      const at = new Date((lifted ? w.liftedAt : w.issuedAt).getTime() + 5 * MINUTE);
      deliveries.push({
        ...fileDelivery(
          'warning',
          DEMO_SOURCES.warnings,
          name,
          'warning',
          warningTable(w, '通州区', lifted),
          0,
        ),
        at,
      });
    }
  }
  return { deliveries, sandDust, warnings };
}
