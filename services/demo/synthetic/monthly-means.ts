/**
 * Means of generated station data computed the way the store computes them (architecture.md, scope_daily):
 * a station's daily mean needs ≥ 20 hourly values (GB 3095 Table 4); a scope's daily mean is the mean of its
 * stations' valid daily means; a monthly mean is the mean of the valid days. The city ranking uses these so
 * that our units' positions match the values envwatch itself will compute.
 */
import { MIN_HOURS_FOR_DAILY_MEAN } from '../../standards/index.js';
import type { DemoStation, StationMonth } from './air-stations.js';

export type Pollutant = 'pm25' | 'pm10';

/** Valid daily means of one station-month (NaN where the day has too few hours). */
export function stationDailyMeans(sm: StationMonth, mask: Uint8Array, pollutant: Pollutant): Float64Array {
  const days = sm.times.length / 24;
  const out = new Float64Array(days);
  const values = pollutant === 'pm25' ? sm.pm25 : sm.pm10;
  for (let d = 0; d < days; d++) {
    let sum = 0;
    let n = 0;
    for (let h = 0; h < 24; h++) {
      const i = d * 24 + h;
      if (mask[i] === 1) {
        sum += values[i]!;
        n += 1;
      }
    }
    out[d] = n >= MIN_HOURS_FOR_DAILY_MEAN ? sum / n : Number.NaN;
  }
  return out;
}

/** Daily means of a group of stations (one per day; NaN when no station is valid that day). */
export function scopeDailyMeans(
  months: readonly StationMonth[],
  masks: readonly Uint8Array[],
  include: (stationIndex: number) => boolean,
  pollutant: Pollutant = 'pm25',
): Float64Array {
  const days = (months[0]?.times.length ?? 0) / 24;
  const sum = new Float64Array(days);
  const n = new Float64Array(days);
  months.forEach((sm, k) => {
    if (!include(k)) return;
    const daily = stationDailyMeans(sm, masks[k]!, pollutant);
    daily.forEach((v, d) => {
      if (!Number.isNaN(v)) {
        sum[d] = sum[d]! + v;
        n[d] = n[d]! + 1;
      }
    });
  });
  return sum.map((s, d) => (n[d]! > 0 ? s / n[d]! : Number.NaN));
}

export function meanOfValid(values: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) {
      sum += v;
      n += 1;
    }
  }
  return n > 0 ? sum / n : Number.NaN;
}

/** Monthly mean PM2.5 of each street/town (stations grouped by area). */
export function areaMonthlyPm25(
  stations: readonly DemoStation[],
  months: readonly StationMonth[],
  masks: readonly Uint8Array[],
): Map<string, number> {
  const index = new Map(stations.map((s, i) => [s.id, i]));
  const out = new Map<string, number>();
  for (const areaId of new Set(stations.map((s) => s.area.id))) {
    const daily = scopeDailyMeans(
      months,
      masks,
      (k) => stations[index.get(months[k]!.stationId)!]!.area.id === areaId,
    );
    const value = meanOfValid(daily);
    if (!Number.isNaN(value)) out.set(areaId, value);
  }
  return out;
}
