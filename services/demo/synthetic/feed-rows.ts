/**
 * The station feed as the stations send it: every delivered hour of every station, PM2.5 and PM10, with the
 * planted faults of faults.ts; and the audited re-delivery of a month. Rows are `RawMeasurement`, the
 * shape every adapter funnels into validation.
 */
import type { RefusalCode } from '../../ingest/refusal-reasons.js';
import type { RawMeasurement } from '../../ingest/validate-measurement.js';
import type { StationMonth } from './air-stations.js';
import { isoShanghai, nextYearIso, type FeedFaults } from './faults.js';
import { streamFor } from './prng.js';

export type Version = 'provisional' | 'audited';

export interface FeedRows {
  rows: RawMeasurement[];
  /** When each row was published: the hour it describes, whatever time it carries. */
  publishedAt: number[];
  expectedRefusals: Partial<Record<RefusalCode, number>>;
}

const UG = 'µg/m³';

export function countRefusal(expected: Partial<Record<RefusalCode, number>>, code: RefusalCode): void {
  expected[code] = (expected[code] ?? 0) + 1;
}

/**
 * Every hourly PM2.5 and PM10 value a station measured (its mask says which hours it did), in the order the
 * feed publishes them: month, hour, metric. The order matters: the audit's random stream follows it.
 */
function forEachMeasuredValue(
  months: readonly StationMonth[],
  masks: readonly Uint8Array[],
  version: Version,
  visit: (sm: StationMonth, hour: number, row: RawMeasurement, value: number) => void,
): void {
  months.forEach((sm, k) => {
    const mask = masks[k]!;
    for (let i = 0; i < sm.times.length; i++) {
      if (mask[i] !== 1) continue;
      const time = isoShanghai(sm.times[i]!);
      for (const metric of ['pm25', 'pm10'] as const) {
        const value = (metric === 'pm25' ? sm.pm25 : sm.pm10)[i]!;
        const row = {
          time,
          series: sm.stationId,
          metric,
          value: String(value),
          unit: UG,
          flags: '',
          version,
        };
        visit(sm, i, row, value);
      }
    }
  });
}

/**
 * `divert`: stations whose loggers send over HJ 212 (hj212-devices.ts): their rows go to `diverted` instead
 * of the feed — all but the planted faults, which stay in the feed to be refused for their reasons.
 */
export function stationFeedRows(
  months: readonly StationMonth[],
  masks: readonly Uint8Array[],
  version: Version,
  faults: FeedFaults | null,
  divert: ReadonlySet<string> = new Set(),
): FeedRows & { diverted: RawMeasurement[] } {
  const rows: RawMeasurement[] = [];
  const diverted: RawMeasurement[] = [];
  const publishedAt: number[] = [];
  const expectedRefusals: FeedRows['expectedRefusals'] = {};
  const byKey = new Map((faults?.faults ?? []).map((f) => [`${f.stationId}|${f.index}|${f.metric}`, f]));
  forEachMeasuredValue(months, masks, version, (sm, i, row, value) => {
    const fault = byKey.get(`${sm.stationId}|${i}|${row.metric}`);
    if (fault) {
      if (fault.kind === 'negative') row.value = String(-(1 + (value % 5)));
      if (fault.kind === 'implausible') row.value = String(3000 + value);
      if (fault.kind === 'future_year') row.time = nextYearIso(sm.times[i]!);
      if (fault.kind === 'mg_m3') {
        row.value = String(value / 1000);
        row.unit = 'mg/m3';
      }
      if (fault.expected) countRefusal(expectedRefusals, fault.expected);
    } else if (divert.has(sm.stationId)) {
      diverted.push(row);
      return;
    }
    rows.push(row);
    publishedAt.push(sm.times[i]!);
  });
  for (const extra of faults?.extras ?? []) {
    const { expected, ...raw } = extra;
    rows.push({ ...raw, flags: '', version });
    publishedAt.push(Date.parse(raw.time));
    countRefusal(expectedRefusals, expected);
  }
  return { rows, expectedRefusals, publishedAt, diverted };
}

/**
 * The audited version of a month: every hour the stations measured (the refused ones corrected), with a
 * few values changed by the audit — about 2 % moved by up to ±10 %, as a review of zero drift and spikes does.
 */
export function auditedRows(
  seed: number,
  months: readonly StationMonth[],
  masks: readonly Uint8Array[],
  label: string,
): FeedRows {
  const rng = streamFor(seed, `audit|${label}`);
  const rows: RawMeasurement[] = [];
  const publishedAt: number[] = [];
  forEachMeasuredValue(months, masks, 'audited', (sm, i, row, value) => {
    // About 2 % moved by the audit; the random stream follows the feed's order.
    if (rng.chance(0.02)) row.value = String(Math.max(2, Math.round(value * rng.uniform(0.9, 1.1))));
    rows.push(row);
    publishedAt.push(sm.times[i]!);
  });
  return { rows, publishedAt, expectedRefusals: {} };
}
