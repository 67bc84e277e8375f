/**
 * One day of hourly PM2.5 for each station, with values that vary by station and hour the same way in every
 * bench (bench:evaluate's new day, bench:scale's backlog), so their figures stay comparable.
 */
import type { MeasurementRow } from '../services/store/measurement-queries.js';
import { shanghaiInstant } from '../services/time/shanghai.js';

export function stationDayRows(stations: readonly string[], day: string): MeasurementRow[] {
  return stations.flatMap((seriesId, k) =>
    Array.from({ length: 24 }, (_, h) => ({
      ts: shanghaiInstant(day, h),
      seriesId,
      metricId: 'pm25',
      value: 20 + ((k * 7 + h * 3) % 40),
      dataVersion: 0 as const,
    })),
  );
}
