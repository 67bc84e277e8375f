/**
 * One JSON record of a pulled feed → raw measurements, as configured in the source's `mapping`: a long
 * record carries one metric (metric + value paths), a wide record one value per metric (metrics: id → path).
 * Values are passed on as received; validation (units, ranges, zones) is the same as for every other route.
 */
import { HOUR } from '../../time/shanghai.js';
import { parseInstant } from '../parse-time.js';
import type { PullMapping } from '../sources/source-schema.js';
import type { RawMeasurement } from '../validate-measurement.js';
import { getPath } from './json-path.js';

const NOT_MEASURED = new Set(['', '-', '—', '--', 'null']);

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function valueOf(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'number' ? v : text(v);
}

/**
 * Numbers are Unix epoch times (seconds, or milliseconds above 10^11): zone-free. An hour stamped by its end
 * (time_label: end, "1..24" in Chinese hourly tables) is stored by its start.
 */
function timeOf(v: unknown, mapping: PullMapping): { time: string; zone: string | null } {
  if (typeof v === 'number' && Number.isFinite(v)) {
    const ms = v > 1e11 ? v : v * 1000;
    return shift({ time: new Date(ms).toISOString(), zone: null }, mapping);
  }
  return shift({ time: text(v), zone: mapping.time_zone ?? null }, mapping);
}

function shift(
  t: { time: string; zone: string | null },
  mapping: PullMapping,
): { time: string; zone: string | null } {
  if (mapping.time_label !== 'end') return t;
  const parsed = parseInstant(t.time, t.zone);
  // Unparseable times pass through unchanged, to be refused with their own reason.
  return parsed.ok ? { time: new Date(parsed.date.getTime() - HOUR).toISOString(), zone: null } : t;
}

function flagsOf(v: unknown, mapping: PullMapping): string | null {
  const raw = text(v);
  if (raw === '') return null;
  const codes = raw.split(/[;,|]/).map((f) => f.trim());
  const invalid = codes.some((c) => mapping.invalid_flags.includes(c));
  return invalid && !codes.includes('invalid') ? `${raw};invalid` : raw;
}

export function mapPullRecord(rec: unknown, mapping: PullMapping, at: string): RawMeasurement[] {
  const { time, zone } = timeOf(getPath(rec, mapping.time), mapping);
  const series = text(getPath(rec, mapping.series));
  const version = mapping.version
    ? text(getPath(rec, mapping.version)) || null
    : (mapping.version_value ?? null);
  if (!mapping.metrics) {
    const metric = text(getPath(rec, mapping.metric!));
    return [
      {
        time,
        series,
        metric,
        value: valueOf(getPath(rec, mapping.value!)),
        unit: mapping.unit ? text(getPath(rec, mapping.unit)) || null : (mapping.units?.[metric] ?? null),
        flags: mapping.flags ? flagsOf(getPath(rec, mapping.flags), mapping) : null,
        version,
        zone,
        at,
      },
    ];
  }
  const out: RawMeasurement[] = [];
  for (const [metric, path] of Object.entries(mapping.metrics)) {
    const value = valueOf(getPath(rec, path));
    // A wide record lists every pollutant; a missing or "—" value is not measured, not a refusal.
    if (value === null || (typeof value === 'string' && NOT_MEASURED.has(value))) continue;
    const flagPath = mapping.metric_flags?.[metric];
    out.push({
      time,
      series,
      metric,
      value,
      unit: mapping.units?.[metric] ?? null,
      flags: flagPath ? flagsOf(getPath(rec, flagPath), mapping) : null,
      version,
      zone,
      at,
    });
  }
  return out;
}
