/**
 * What arrives, by which route, in which order: the shape of the replay plan (dataset.ts builds it,
 * services/demo/replay/ delivers it).
 */
import type { RefusalCode } from '../../ingest/refusal-reasons.js';
import type { RawMeasurement } from '../../ingest/validate-measurement.js';
import type { CityRanking } from './city-ranks.js';
import type { SandDustEvent, WarningEvent } from './events.js';
import type { DeviceTraffic } from './hj212-devices.js';
import type { CsvTable, TableDelivery } from './tables.js';

export type DeliveryKind =
  | 'station_hourly'
  | 'station_audited'
  | 'area_monthly'
  | 'tsp_and_dust_fall'
  | 'city_ranking'
  | 'water_samples'
  | 'sand_dust'
  | 'warning'
  | 'device_hj212';

export type FileFormat = 'long' | 'wide' | 'city_ranking' | 'sand_dust' | 'warning';

/**
 * 0: what announces (sand-dust periods, a warning issued) — before the data, so statistics that leave
 * sand-dust days out see the period; 1: the month's hourly data; 2: an audited re-delivery; 3: the monthly
 * tables, rankings, water samples and a warning lifted. A large hourly batch goes alone: the rollups run
 * after each batch claim every key queued so far, and a batch still writing keys of the same station-days
 * would contend with them.
 */
export const WAVES = [0, 1, 2, 3] as const;
export type Wave = (typeof WAVES)[number];

interface DeliveryBase {
  kind: DeliveryKind;
  sourceId: string;
  /** The file name for a file drop; the feed's name for a pull. */
  name: string;
  /** Records the adapter will read (received = inserted + updated + unchanged + refused). */
  records: number;
  expectedRefusals: Partial<Record<RefusalCode, number>>;
  /** The order within a month: deliveries of a wave are ingested together, waves one after another. */
  wave: Wave;
  /**
   * A delivery that arrives at its own moment inside the month (a warning issued or lifted) rather than
   * with the month's data: the replay sets the clock to it and runs the alert sweep then.
   */
  at?: Date;
  /** The earlier month whose data this delivery revises (an audited re-delivery). */
  revises?: string;
}

export type Delivery = DeliveryBase &
  (
    | { route: 'http_pull'; rows: RawMeasurement[]; publishedAt: number[] }
    | { route: 'file_drop'; format: FileFormat; table: CsvTable }
    /** Field loggers sending over HJ 212 to the receiver (`records`: the hourly values it stores). */
    | { route: 'hj212'; traffic: DeviceTraffic[] }
  );

export interface ReplayStep {
  label: string;
  phase: 'history' | 'replay';
  /** The month the data describes (YYYY-MM). */
  month: string;
  /** The replayed "now" while this step's data arrives: the 5th of the next month, 09:00 Shanghai. */
  clock: Date;
  deliveries: Delivery[];
  sandDust: SandDustEvent[];
  warnings: WarningEvent[];
  rankings: CityRanking[];
}

export const DEMO_SOURCES = {
  stationFeed: 'demo_station_feed',
  stationAudited: 'demo_station_audited',
  historyImport: 'demo_history_import',
  districtTables: 'demo_district_tables',
  cityRanking: 'demo_city_ranking',
  water: 'demo_water_monitoring',
  sandDust: 'demo_sand_dust',
  warnings: 'demo_heavy_pollution_warnings',
  /** The demo's HJ 212 receiver (HJ212_SOURCE_ID): its batches carry this source. */
  devices: 'demo_hj212_devices',
} as const;

export function fileDelivery(
  kind: DeliveryKind,
  sourceId: string,
  name: string,
  format: FileFormat,
  t: TableDelivery,
  wave: Wave = 3,
): Delivery {
  return {
    kind,
    sourceId,
    name,
    route: 'file_drop',
    format,
    table: t.table,
    records: t.records,
    expectedRefusals: t.expectedRefusals,
    wave,
  };
}
