/**
 * The files other offices send, in the formats the file-drop adapter reads (services/ingest/formats/,
 * examples/ingest/README.md):
 * - the district bureau's monthly street/town table, wide (one row per street/town, a column per metric with
 *   its unit in the header), as the Excel sheet officials keep; BDA keeps its land ledger in 亩;
 * - TSP daily samples and the district's dust fall, long format;
 * - the city's rankings (period, metric, rank, number ranked, district, street/town, value, unit) — the whole
 *   city's list, not only our units;
 * - water samples, long format; sand-dust periods and the heavy-pollution warning in their own formats.
 */
import type { RefusalCode } from '../../ingest/refusal-reasons.js';
import type { RawMeasurement } from '../../ingest/validate-measurement.js';
import type { AreaMonth } from './area-tables.js';
import type { CityRanking } from './city-ranks.js';
import type { SandDustEvent, WarningEvent } from './events.js';
import { isoShanghai } from './faults.js';
import { countRefusal, type Version } from './feed-rows.js';
import type { WaterSample } from './water.js';
import type { WorldArea } from './world.js';

export interface CsvTable {
  /** Title rows above the header, as officials' sheets have them. */
  title?: string;
  header: string[];
  rows: string[][];
}

export interface TableDelivery {
  table: CsvTable;
  /** Records the ingest reads from it (a wide table: one per value cell). */
  records: number;
  expectedRefusals: Partial<Record<RefusalCode, number>>;
}

export const LONG_HEADER = ['time', 'series', 'metric', 'value', 'unit', 'flags', 'version'];

export function longTable(
  rows: readonly RawMeasurement[],
  expected: TableDelivery['expectedRefusals'] = {},
): TableDelivery {
  const out = rows.map((r) => [
    r.time,
    r.series,
    r.metric,
    String(r.value ?? ''),
    r.unit ?? '',
    r.flags ?? '',
    r.version ?? '',
  ]);
  return { table: { header: LONG_HEADER, rows: out }, records: rows.length, expectedRefusals: expected };
}

const MU_PER_M2 = 15 / 10_000; // 1 亩 = 10000/15 m²

/** One district's wide monthly table: dust fall, road dust load, uncontrolled bare land per street/town. */
export function areaWideTable(
  month: string,
  districtNameZh: string,
  areas: readonly WorldArea[],
  values: readonly AreaMonth[],
  bareLandInMu: boolean,
): TableDelivery {
  const byId = new Map(values.map((v) => [v.areaId, v]));
  const rows: string[][] = [];
  areas.forEach((a) => {
    const v = byId.get(a.id);
    if (!v) return;
    const bare = bareLandInMu
      ? (Math.round(v.bareLand * MU_PER_M2 * 10) / 10).toString()
      : String(v.bareLand);
    rows.push([
      String(rows.length + 1),
      a.shortZh,
      month,
      v.dustFall.toFixed(1),
      v.roadDustLoad.toFixed(2),
      bare,
    ]);
  });
  const [y, m] = month.split('-');
  return {
    table: {
      title: `${districtNameZh}${y}年${Number(m)}月各街道乡镇降尘量、道路尘负荷及未管控裸地面积`,
      header: [
        '序号',
        '街道乡镇',
        '月份',
        '降尘量（吨/平方公里·月）',
        '道路尘负荷（克/平方米）',
        `未管控裸地面积（${bareLandInMu ? '亩' : '平方米'}）`,
      ],
      rows,
    },
    records: rows.length * 3,
    expectedRefusals: {},
  };
}

/**
 * TSP daily samples per street/town and each district's published monthly dust fall (全区降尘量). One
 * sample's time lost its zone in a spreadsheet edit when `missingZoneAreaId` is set: refused.
 */
export function tspAndDistrictDustFall(
  month: string,
  areas: readonly WorldArea[],
  values: readonly AreaMonth[],
  districts: readonly { id: string; nameZh: string }[],
  version: Version,
  missingZoneAreaId: string | null,
): TableDelivery {
  const rows: RawMeasurement[] = [];
  const expected: TableDelivery['expectedRefusals'] = {};
  const byId = new Map(areas.map((a) => [a.id, a]));
  for (const v of values) {
    v.tspSamples.forEach((s, i) => {
      const broken = v.areaId === missingZoneAreaId && i === 1;
      if (broken) countRefusal(expected, 'MISSING_TIMEZONE');
      const time = broken ? `${s.day} 00:00` : `${s.day}T00:00:00+08:00`;
      rows.push({
        time,
        series: byId.get(v.areaId)!.shortZh,
        metric: 'tsp',
        value: String(s.value),
        unit: 'µg/m³',
        flags: '',
        version,
      });
    });
  }
  for (const d of districts) {
    const own = values.filter((v) => byId.get(v.areaId)?.districtId === d.id);
    if (own.length === 0) continue;
    const mean = Math.round((own.reduce((a, v) => a + v.dustFall, 0) / own.length) * 10) / 10;
    const flags = own.some((v) => v.sandDustMonth) ? 'sand_dust' : '';
    rows.push({
      time: `${month}-01T00:00:00+08:00`,
      series: d.nameZh,
      metric: 'dust_fall',
      value: String(mean),
      unit: '吨/平方公里·月',
      flags,
      version,
    });
  }
  return longTable(rows, expected);
}

const RANKED_QUANTITY: Record<CityRanking['metric'], { metric: string; unit: string }> = {
  city_rank_pm25: { metric: 'pm25', unit: 'µg/m³' },
  city_rank_tsp: { metric: 'tsp', unit: 'µg/m³' },
  city_rank_road_dust_load: { metric: 'road_dust_load', unit: 'g/m²' },
  city_rank_bare_land: { metric: 'uncontrolled_bare_land_area', unit: 'm²' },
};

/** The city's published lists, every unit; ours carry their district so the adapter checks the name. */
export function rankingTable(
  month: string,
  rankings: readonly CityRanking[],
  districtOf: (areaId: string) => string,
): TableDelivery {
  const rows: string[][] = [];
  for (const r of rankings) {
    const q = RANKED_QUANTITY[r.metric];
    for (const u of r.units) {
      rows.push([
        month,
        q.metric,
        String(u.rank),
        String(r.ranked),
        u.areaId ? districtOf(u.areaId) : '',
        u.name,
        String(u.value),
        q.unit,
      ]);
    }
  }
  return {
    table: { header: ['period', 'metric', 'rank', 'n_ranked', 'district', 'area', 'value', 'unit'], rows },
    records: rows.length,
    expectedRefusals: {},
  };
}

export function waterTable(samples: readonly WaterSample[], version: Version): TableDelivery {
  const rows: RawMeasurement[] = [];
  for (const s of samples) {
    const time = isoShanghai(s.sampledAt.getTime());
    for (const [param, value] of Object.entries(s.params)) {
      rows.push({
        time,
        series: s.sectionId,
        metric: param,
        value: String(value),
        unit: param === 'ph' ? 'pH' : 'mg/L',
        flags: '',
        version,
      });
    }
    rows.push({
      time,
      series: s.sectionId,
      metric: 'water_class',
      value: String(s.waterClass),
      unit: 'class',
      flags: '',
      version,
    });
  }
  return longTable(rows);
}

export const SAND_DUST_SOURCE = '中国环境监测总站沙尘过程判定（演示合成数据）';

/** City-wide periods: no district, no street/town (standards.md §5: the centre determines time and area). */
export function sandDustTable(events: readonly SandDustEvent[]): TableDelivery {
  const rows = events.map((e) => [
    isoShanghai(e.startsAt.getTime()),
    isoShanghai(e.endsAt.getTime()),
    '',
    '',
    SAND_DUST_SOURCE,
    `沙尘过程，PM10 小时峰值约 ${Math.round(e.peakPm10)} 微克/立方米`,
  ]);
  return {
    table: { header: ['start', 'end', 'district', 'area', 'source', 'note'], rows },
    records: rows.length,
    expectedRefusals: {},
  };
}

/** The warning as issued (no lift yet), or as lifted: the same external id updates the record. */
export function warningTable(w: WarningEvent, districtNameZh: string, lifted: boolean): TableDelivery {
  const liftedAt = lifted ? isoShanghai(w.liftedAt.getTime()) : '';
  const row = [
    w.externalId,
    w.level,
    isoShanghai(w.startsAt.getTime()),
    liftedAt,
    liftedAt,
    districtNameZh,
    '',
    w.issuer,
    w.measures,
  ];
  return {
    table: {
      header: ['external_id', 'level', 'start', 'end', 'lifted', 'district', 'areas', 'issuer', 'measures'],
      rows: [row],
    },
    records: 1,
    expectedRefusals: {},
  };
}
