/**
 * What goes wrong with real feeds, planted on purpose so the demo shows how envwatch copes:
 * - gaps: one station offline for eight days in February, another for five in July, scattered missing hours
 *   (0.4 %), and one street/town whose stations all lose the first five hours of a March day — 19 hours,
 *   below the 20 a daily mean needs (GB 3095 Table 4), so that area has no valid value that day;
 * - bad rows in January's station feed: negative values (zero drift), an absurd spike, a timestamp with the
 *   wrong year (in the future), rows from a station nobody registered; and PM10 sent in mg/m³, which is
 *   converted, not refused.
 * Everything is chosen by the seed; the expected refusals travel with the rows so the demo can check them.
 */
import { DAY, HOUR, shanghaiInstant } from '../../time/shanghai.js';
import type { RefusalCode } from '../../ingest/refusal-reasons.js';
import type { DemoStation, StationMonth } from './air-stations.js';
import { streamFor } from './prng.js';

export interface GapPlan {
  offline: { stationId: string; from: number; to: number }[];
  shortDay: { areaId: string; day: string; from: number; to: number } | null;
}

export const SCATTERED_GAP_RATE = 0.004;

export function planGaps(seed: number, stations: readonly DemoStation[], year: number): GapPlan {
  const rng = streamFor(seed, `gaps|${year}`);
  const byIndex = (i: number) => stations[Math.floor(i * stations.length)]!;
  const feb = rng.int(3, 12);
  const jul = rng.int(5, 20);
  const febStation = byIndex(rng.next());
  const julStation = byIndex(rng.next());
  const shortArea = byIndex(rng.next()).area.id;
  const shortDay = `${year}-03-${String(rng.int(10, 16)).padStart(2, '0')}`;
  const start = (day: string) => shanghaiInstant(day).getTime();
  return {
    offline: [
      {
        stationId: febStation.id,
        from: start(`${year}-02-${String(feb).padStart(2, '0')}`),
        to: start(`${year}-02-${String(feb).padStart(2, '0')}`) + 8 * DAY,
      },
      {
        stationId: julStation.id,
        from: start(`${year}-07-${String(jul).padStart(2, '0')}`),
        to: start(`${year}-07-${String(jul).padStart(2, '0')}`) + 5 * DAY,
      },
    ],
    shortDay: { areaId: shortArea, day: shortDay, from: start(shortDay), to: start(shortDay) + 5 * HOUR },
  };
}

/** 1 where the station delivered the hour, 0 where it did not. */
export function deliveredMask(
  seed: number,
  sm: StationMonth,
  station: DemoStation,
  plan: GapPlan,
  month: string,
): Uint8Array {
  const rng = streamFor(seed, `scattered|${sm.stationId}|${month}`);
  const mask = new Uint8Array(sm.times.length);
  for (let i = 0; i < sm.times.length; i++) {
    const t = sm.times[i]!;
    let ok = !rng.chance(SCATTERED_GAP_RATE);
    for (const o of plan.offline) if (o.stationId === sm.stationId && t >= o.from && t < o.to) ok = false;
    const s = plan.shortDay;
    if (s && s.areaId === station.area.id && t >= s.from && t < s.to) ok = false;
    mask[i] = ok ? 1 : 0;
  }
  return mask;
}

export type FeedFaultKind = 'negative' | 'implausible' | 'future_year' | 'mg_m3';

/** A change to one delivered station-hour; `expected` is the refusal it must cause (null: accepted). */
export interface FeedFault {
  stationId: string;
  index: number;
  metric: 'pm25' | 'pm10';
  kind: FeedFaultKind;
  expected: RefusalCode | null;
}

export interface ExtraRow {
  time: string;
  series: string;
  metric: string;
  value: string;
  unit: string;
  expected: RefusalCode;
}

export interface FeedFaults {
  faults: FeedFault[];
  extras: ExtraRow[];
}

/** Bad rows for the first replayed month's station feed. */
export function planFeedFaults(
  seed: number,
  months: readonly StationMonth[],
  masks: readonly Uint8Array[],
  label: string,
): FeedFaults {
  const rng = streamFor(seed, `feed-faults|${label}`);
  const faults: FeedFault[] = [];
  const taken = new Set<string>();
  const pickHour = (): { sm: StationMonth; index: number } => {
    for (;;) {
      const k = rng.int(0, months.length - 1);
      const sm = months[k]!;
      const index = rng.int(24, sm.times.length - 25);
      const key = `${sm.stationId}|${index}`;
      if (masks[k]![index] === 1 && !taken.has(key)) {
        taken.add(key);
        return { sm, index };
      }
    }
  };
  for (let i = 0; i < 2; i++) {
    const { sm, index } = pickHour();
    faults.push({
      stationId: sm.stationId,
      index,
      metric: 'pm25',
      kind: 'negative',
      expected: 'NEGATIVE_VALUE',
    });
  }
  const spike = pickHour();
  faults.push({
    stationId: spike.sm.stationId,
    index: spike.index,
    metric: 'pm25',
    kind: 'implausible',
    expected: 'IMPLAUSIBLE_VALUE',
  });
  const typo = pickHour();
  for (const metric of ['pm25', 'pm10'] as const) {
    faults.push({
      stationId: typo.sm.stationId,
      index: typo.index,
      metric,
      kind: 'future_year',
      expected: 'FUTURE_TIMESTAMP',
    });
  }
  // Four consecutive hours of one station's PM10 in mg/m³ (a logger reconfigured for a morning).
  const mg = pickHour();
  for (let h = 0; h < 4; h++) {
    if (masks[months.indexOf(mg.sm)]![mg.index + h] !== 1) continue;
    faults.push({
      stationId: mg.sm.stationId,
      index: mg.index + h,
      metric: 'pm10',
      kind: 'mg_m3',
      expected: null,
    });
  }
  // A temporary sensor that was never registered as a station: refused, and kept for someone to map it.
  const t0 = months[0]!.times[rng.int(48, 200)]!;
  const extras: ExtraRow[] = [0, 1, 2].map((h) => ({
    time: isoShanghai(t0 + h * HOUR),
    series: '宋庄镇临时监测点',
    metric: 'pm25',
    value: String(rng.int(30, 90)),
    unit: 'µg/m³',
    expected: 'UNKNOWN_SERIES',
  }));
  return { faults, extras };
}

/** ISO 8601 in Shanghai time. China has kept UTC+8 without daylight saving since 1991. */
export function isoShanghai(epochMs: number): string {
  return `${new Date(epochMs + 8 * HOUR).toISOString().slice(0, 19)}+08:00`;
}

/** The same wall-clock time one year later — the typo a hand-edited logger clock produces. */
export function nextYearIso(epochMs: number): string {
  const iso = isoShanghai(epochMs);
  return `${Number(iso.slice(0, 4)) + 1}${iso.slice(4)}`;
}
