/**
 * The long CSV format: one measurement per line with a header
 *   time,series,metric,value,unit,flags,version
 * time is ISO 8601 with a zone (2024-03-01T08:00:00+08:00); series is a station/site id, a street/town id
 * or any alias (北苑街道); unit is optional (defaults to the metric's canonical unit); flags are separated
 * by ';'; version is provisional (default) or audited. Streamed: memory does not grow with the file.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import type { RawMeasurement } from './validate-measurement.js';

export async function* readLongCsv(path: string): AsyncGenerator<RawMeasurement> {
  const parser = createReadStream(path).pipe(
    parse({ columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), bom: true, skip_empty_lines: true, trim: true }),
  );
  for await (const rec of parser as AsyncIterable<Record<string, string>>) {
    yield {
      time: rec.time ?? '',
      series: rec.series ?? rec.station ?? rec.area ?? '',
      metric: rec.metric ?? '',
      value: rec.value ?? null,
      unit: rec.unit ?? null,
      flags: rec.flags ?? null,
      version: rec.version ?? null,
    };
  }
}
