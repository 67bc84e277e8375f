/**
 * The demo's dataset as a replay plan: a pure function of (seed, options, world). The previous year's months
 * come first, as a history import (the 2024 targets compare with 2023: 002:2399, 002:2404), then the
 * replayed year month by month. Each step says what arrives, by which route, at what (replayed) time, and
 * which refusals it must cause. Steps are built on demand, so a year never sits in memory at once.
 */
import type { RawMeasurement } from '../../ingest/validate-measurement.js';
import type { Site } from '../../reference/reference-schema.js';
import { addMonths, daysInYear, shanghaiInstant } from '../../time/shanghai.js';
import { REPLAY_LEVEL, HISTORY_LEVEL_FACTOR, buildAirClimate, type AirClimate } from './air-climate.js';
import { bareLandSpikeArea } from './area-tables.js';
import {
  areaDayFactors,
  generateStationMonth,
  meanOffset,
  planStations,
  stationSites,
  type DemoStation,
  type StationMonth,
} from './air-stations.js';
import { DEMO_SOURCES, fileDelivery, type Delivery, type ReplayStep } from './delivery.js';
import { auditedRows, stationFeedRows } from './feed-rows.js';
import { planYearEvents } from './events.js';
import { deliveredMask, planFeedFaults, planGaps, type GapPlan } from './faults.js';
import { deviceTraffic, planDemoDevices, type DemoDevice } from './hj212-devices.js';
import { eventDeliveries, monthTableDeliveries } from './month-deliveries.js';
import { areaMonthlyPm25 } from './monthly-means.js';
import { streamFor } from './prng.js';
import { longTable } from './tables.js';
import { areasValidIn, type DemoWorld } from './world.js';

export {
  DEMO_SOURCES,
  WAVES,
  type Delivery,
  type DeliveryKind,
  type ReplayStep,
  type Wave,
} from './delivery.js';

export interface DemoOptions {
  seed: number;
  /** The replayed year; the year before is imported as history. */
  year: number;
  /** Months of the year to replay, from January (3 = the first quarter). */
  months: number;
  stationsPerArea: number;
}

export const DEFAULT_DEMO_OPTIONS: DemoOptions = { seed: 20240, year: 2024, months: 12, stationsPerArea: 4 };

/** The audited version of a month arrives after the next month has been replayed (HJ 633-2012 §5.1.5). */
const AUDIT_LAG_MONTHS = 2;

export class DemoDataset {
  readonly stations: DemoStation[];
  readonly sites: Site[];
  /** Stations whose loggers send over HJ 212 in the replayed year (not through the feed). */
  readonly devices: DemoDevice[];
  readonly replay: AirClimate;
  readonly history: AirClimate;
  readonly gaps: GapPlan;
  private readonly areaDay = new Map<string, Float64Array>();
  private readonly spikeAreaId: string | null;
  private readonly missingZoneAreaId: string | null;

  constructor(
    readonly options: DemoOptions,
    readonly world: DemoWorld,
  ) {
    if (options.months < 1 || options.months > 12) throw new RangeError('months must be 1..12');
    const { seed, year } = options;
    this.stations = planStations(seed, world, year, options.stationsPerArea);
    this.sites = stationSites(this.stations, world);
    this.devices = planDemoDevices(this.stations);
    const tz = (replay: boolean) => meanOffset(this.stations, 'tongzhou', replay);
    this.replay = buildAirClimate(seed, planYearEvents(seed, year, 'replay'), REPLAY_LEVEL, tz(true));
    this.history = buildAirClimate(
      seed,
      planYearEvents(seed, year - 1, 'history'),
      REPLAY_LEVEL * HISTORY_LEVEL_FACTOR,
      tz(false),
    );
    this.gaps = planGaps(seed, this.stations, year);
    const areas = areasValidIn(world, year);
    this.spikeAreaId = bareLandSpikeArea(seed, areas);
    this.missingZoneAreaId = streamFor(seed, 'missing-zone').pick(areas).id;
  }

  /** Step labels in replay order: the history months, then the replayed months. */
  stepPlan(): { label: string; phase: ReplayStep['phase']; month: string }[] {
    const { year, months } = this.options;
    const out: { label: string; phase: ReplayStep['phase']; month: string }[] = [];
    for (const [phase, y] of [
      ['history', year - 1],
      ['replay', year],
    ] as const) {
      for (let m = 1; m <= months; m++) {
        const month = `${y}-${String(m).padStart(2, '0')}`;
        out.push({ label: month, phase, month });
      }
    }
    return out;
  }

  /** Every station's hours of one month, with the mask of the hours actually delivered. */
  stationMonths(month: string, replay: boolean): { months: StationMonth[]; masks: Uint8Array[] } {
    const climate = replay ? this.replay : this.history;
    const m = Number(month.slice(5, 7));
    const months: StationMonth[] = [];
    const masks: Uint8Array[] = [];
    for (const st of this.stations) {
      const sm = generateStationMonth(
        this.options.seed,
        st,
        climate,
        this.areaDayOf(st.area.id, climate.year),
        m,
        replay,
      );
      months.push(sm);
      // The planted outages belong to the replayed year; history keeps only the scattered missing hours.
      masks.push(
        deliveredMask(this.options.seed, sm, st, replay ? this.gaps : { offline: [], shortDay: null }, month),
      );
    }
    return { months, masks };
  }

  buildStep(step: { phase: ReplayStep['phase']; month: string }): ReplayStep {
    const { seed, year } = this.options;
    const replay = step.phase === 'replay';
    const climate = replay ? this.replay : this.history;
    const m = Number(step.month.slice(5, 7));
    const first = replay && m === 1;
    const version = replay ? 'provisional' : 'audited';
    const areas = areasValidIn(this.world, climate.year);
    const { months, masks } = this.stationMonths(step.month, replay);

    const deliveries: Delivery[] = [];
    const hourly = stationFeedRows(
      months,
      masks,
      version,
      first ? planFeedFaults(seed, months, masks, step.month) : null,
      replay ? new Set(this.devices.map((d) => d.stationId)) : new Set(),
    );
    const hourlyBase = {
      kind: 'station_hourly' as const,
      records: hourly.rows.length,
      expectedRefusals: hourly.expectedRefusals,
      wave: 1 as const,
    };
    deliveries.push(
      replay
        ? {
            ...hourlyBase,
            route: 'http_pull',
            sourceId: DEMO_SOURCES.stationFeed,
            name: `station-feed ${step.month}`,
            rows: hourly.rows,
            publishedAt: hourly.publishedAt,
          }
        : fileDelivery(
            'station_hourly',
            DEMO_SOURCES.historyImport,
            `station-hourly_${step.month}.csv`,
            'long',
            longTable(hourly.rows),
            1,
          ),
    );

    if (hourly.diverted.length > 0) deliveries.push(this.deviceDelivery(step.month, hourly.diverted));

    const monthly = monthTableDeliveries({
      seed,
      month: step.month,
      replay,
      climate,
      areas,
      sections: this.world.sections,
      pm25ByArea: areaMonthlyPm25(this.stations, months, masks),
      spikeAreaId: this.spikeAreaId,
      missingZoneAreaId: first ? this.missingZoneAreaId : null,
    });
    deliveries.push(...monthly.deliveries);

    const audited = addMonths(step.month, -AUDIT_LAG_MONTHS);
    if (replay && audited === `${year}-01`) {
      const jan = this.stationMonths(audited, true);
      const rows = auditedRows(seed, jan.months, jan.masks, audited).rows;
      deliveries.push({
        ...fileDelivery(
          'station_audited',
          DEMO_SOURCES.stationAudited,
          `station-hourly-audited_${audited}.csv`,
          'long',
          longTable(rows),
          2,
        ),
        revises: audited,
      });
    }

    const events = eventDeliveries(climate, step.month);
    deliveries.push(...events.deliveries);
    return {
      label: step.month,
      phase: step.phase,
      month: step.month,
      clock: stepClock(step.month),
      deliveries,
      sandDust: events.sandDust,
      warnings: events.warnings,
      rankings: monthly.rankings,
    };
  }

  /** The month's HJ 212 traffic: each logger's station's hours, sent before the feed is pulled (wave 1). */
  private deviceDelivery(month: string, rows: readonly RawMeasurement[]): Delivery {
    const traffic = this.devices.map((d) =>
      deviceTraffic(
        d,
        rows.filter((r) => r.series === d.stationId),
      ),
    );
    return {
      kind: 'device_hj212',
      route: 'hj212',
      sourceId: DEMO_SOURCES.devices,
      name: `hj212 ${month}`,
      records: traffic.reduce((n, t) => n + t.rows, 0),
      expectedRefusals: {},
      wave: 1,
      traffic,
    };
  }

  private areaDayOf(areaId: string, year: number): Float64Array {
    const key = `${areaId}|${year}`;
    let f = this.areaDay.get(key);
    if (!f) {
      f = areaDayFactors(this.options.seed, areaId, year, daysInYear(year));
      this.areaDay.set(key, f);
    }
    return f;
  }
}

/** Data of a month arrives early the next month: the 5th, 09:00 Shanghai (rankings and tables included). */
export function stepClock(month: string): Date {
  return shanghaiInstant(`${addMonths(month, 1)}-05`, 9);
}
