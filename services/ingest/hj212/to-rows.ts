/**
 * A data upload's area → measurement records for the steady ingest path (services/ingest), which validates
 * and stores them like any other feed's. What this module decides (docs/decisions.md, "HJ 212 data"):
 *   - the value: `-Rtd` for real-time 2011, `-Avg` for minute 2051, hourly 2061 and daily 2031;
 *   - the unit: the device's registry entry for the factor (packets carry none);
 *   - the `-Flag` letter is kept as the flag `hj212:<letter>` (and `-EFlag` as `hj212e:<code>`); any letter
 *     but N also marks the value `invalid`, which every mean leaves out (GB 3095 §6.3 keeps the raw record);
 *   - DataTime is the period start, in the device's zone (Asia/Shanghai unless registered otherwise);
 *   - a value is stored only where the command's period is the metric's resolution: hourly metrics from 2061,
 *     daily ones from 2031, per-sample (water) ones from any data command. Minute and real-time air values
 *     would be refused as misaligned hours, so by default they are counted as "not stored" instead
 *     (hj212.md §2.9); HJ212_OFF_RESOLUTION_VALUES=refuse passes them on to be refused and kept row by row.
 */
import type { RawMeasurement } from '../validate-measurement.js';
import type { Resolution } from '../reference-index.js';
import type { Device } from './device-cache.js';
import { mappingFor } from './factors.js';
import { parseDataArea, PacketFormatError } from './packet.js';
import { DATA_COMMANDS, type DataCommand } from './versions.js';

export interface AreaRows {
  rows: RawMeasurement[];
  dataAt: Date;
  /** Factor codes with no metric (device entry nor default). */
  unmapped: string[];
  /** Values whose command period is not the metric's resolution. */
  offResolution: number;
  /** Keys with a suffix outside the standard (e.g. `LA-td`). */
  unknownKeys: string[];
}

/** What becomes of a value whose command's period is not its metric's resolution. */
export type OffResolution = 'skip' | 'refuse';

const FLAG_N = 'hj212:N';
const DATA_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

function fits(cn: DataCommand, resolution: Resolution): boolean {
  if (resolution === 'sample') return true;
  if (resolution === 'hour') return cn === '2061';
  if (resolution === 'day') return cn === '2031';
  return false;
}

export function dataTimeToIso(dataTime: string, zone: string): string | null {
  const m = DATA_TIME.exec(dataTime);
  if (!m) return null;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`;
}

/** Throws PacketFormatError for an area that cannot be read (the packet is then refused as malformed). */
export function areaToRows(
  area: string,
  cn: DataCommand,
  device: Device,
  resolutionOf: (metric: string) => Resolution | undefined,
  offResolution: OffResolution = 'skip',
): AreaRows {
  const parsed = parseDataArea(area);
  const dataTime = parsed.plain.get('DataTime');
  if (!dataTime) throw new PacketFormatError('the data area has no DataTime');
  const iso = dataTimeToIso(dataTime, device.zone);
  const dataAt = iso ? new Date(iso) : null;
  if (!iso || !dataAt || Number.isNaN(dataAt.getTime())) {
    throw new PacketFormatError(`DataTime "${dataTime}" is not yyyyMMddHHmmss`);
  }
  const out: AreaRows = { rows: [], dataAt, unmapped: [], offResolution: 0, unknownKeys: parsed.unknown };
  const suffix = DATA_COMMANDS[cn].suffix;
  for (const [code, fields] of parsed.factors) {
    const value = fields.get(suffix);
    if (value === undefined) continue; // e.g. a factor that only carries -Info or -SampleTime
    const mapping = mappingFor(code, device.factors);
    if (!mapping) {
      out.unmapped.push(code);
      continue;
    }
    const resolution = resolutionOf(mapping.metric);
    if (resolution !== undefined && !fits(cn, resolution) && offResolution === 'skip') {
      out.offResolution += 1;
      continue;
    }
    const flag = fields.get('Flag');
    const eflag = fields.get('EFlag');
    // One string, built without an array per value: hj212:<Flag>;hj212e:<EFlag>;invalid (each when present).
    let flags = flag === 'N' ? FLAG_N : flag ? `hj212:${flag}` : '';
    if (eflag) flags += `${flags ? ';' : ''}hj212e:${eflag}`;
    if (flag && flag !== 'N') flags += ';invalid';
    out.rows.push({
      time: iso,
      series: device.siteId,
      metric: mapping.metric,
      value,
      unit: mapping.unit,
      flags: flags || null,
      version: 'provisional',
    });
  }
  return out;
}
