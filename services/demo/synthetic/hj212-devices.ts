/**
 * A handful of the demo's stations send their hourly data the way field loggers do: over HJ 212 to the
 * receiver, not through the municipal feed (issue 18 item 4). Each editions and quirk the receiver handles
 * has one logger: HJ 212-2017 with the standard's CRC, 2017 with CRC-16/MODBUS (registered `crc_mode
 * modbus`), 2025 in clear, and 2025 with its data area SM4-encrypted. Their hourly values (2061) are the
 * station's own — the hours the feed no longer carries for them — so the year's story is the same whichever
 * route a value took; the 2025 loggers also send a few minute (2051) and real-time (2011) packets, which the
 * receiver acknowledges and, for hourly air metrics, does not store (docs/decisions.md, "Which value is
 * stored"). A pure function of the month's rows: packets and their bytes are identical run to run.
 */
import type { RawMeasurement } from '../../ingest/validate-measurement.js';
import type { CrcVariant } from '../../ingest/hj212/crc.js';
import { parseSm4Key } from '../../ingest/hj212/sm4.js';
import { encryptedUpload, upload, type UploadSpec } from '../../ingest/hj212/upload-packet.js';
import type { DemoStation } from './air-stations.js';

export interface DemoDevice {
  mn: string;
  stationId: string;
  version: '2017' | '2025';
  crc: CrcVariant;
  /** SM4 key (32 hex digits) for an encrypting 2025 logger. */
  sm4Key: string | null;
  /** Also sends a few minute and real-time packets. */
  subHourly: boolean;
  label: string;
}

export const DEMO_DEVICE_PASSWORD = '123456';
const FACTOR_OF: Record<string, string> = { pm25: 'a34004', pm10: 'a34002' };

const KINDS: Omit<DemoDevice, 'mn' | 'stationId'>[] = [
  { version: '2017', crc: 'standard', sm4Key: null, subHourly: false, label: 'HJ 212-2017' },
  { version: '2017', crc: 'modbus', sm4Key: null, subHourly: false, label: 'HJ 212-2017, CRC-16/MODBUS' },
  { version: '2025', crc: 'standard', sm4Key: null, subHourly: true, label: 'HJ 212-2025' },
  {
    version: '2025',
    crc: 'standard',
    sm4Key: '30303030303030303030303030303030',
    subHourly: true,
    label: 'HJ 212-2025, SM4',
  },
];

/** One logger for every few stations, spread over the list (stations are planned area by area). */
export function planDemoDevices(stations: readonly DemoStation[]): DemoDevice[] {
  const step = Math.max(1, Math.floor(stations.length / KINDS.length));
  return KINDS.flatMap((k, i) => {
    const st = stations[i * step];
    if (!st) return [];
    // MN: 24 characters in 2017/2025 (hj212.md §2.5); the demo's are recognisable and unique per logger.
    const mn = `DEMO${k.version}${String(i + 1).padStart(16, '0')}`;
    return [{ ...k, mn, stationId: st.id }];
  });
}

/** yyyyMMddHHmmss in Beijing time. */
function dataTimeOf(iso: string): string {
  return iso.slice(0, 19).replace(/\D/g, '');
}

export interface DeviceTraffic {
  mn: string;
  /** Packets in sending order; each asks for a 9014 (Flag 5 in 2017, 9 in 2025). */
  packets: Buffer[];
  /** Values the receiver stores (hourly), i.e. rows the month's batches will count. */
  rows: number;
}

function packetOf(d: DemoDevice, spec: Omit<UploadSpec, 'mn' | 'pw' | 'flag'>): Buffer {
  const u: UploadSpec = { ...spec, mn: d.mn, pw: DEMO_DEVICE_PASSWORD, flag: d.version === '2017' ? 5 : 9 };
  return d.sm4Key ? encryptedUpload(u, parseSm4Key(d.sm4Key), d.crc) : upload(u, d.crc);
}

/**
 * A month of one logger: an hourly packet for every hour the station measured (its `rows`, from the feed
 * plan), in time order; a 2025 logger adds ten minute packets and three real-time ones on the month's first
 * measured morning.
 */
export function deviceTraffic(d: DemoDevice, rows: readonly RawMeasurement[]): DeviceTraffic {
  const byHour = new Map<string, Record<string, { value: string }>>();
  for (const r of rows) {
    const values = byHour.get(r.time) ?? {};
    values[FACTOR_OF[r.metric]!] = { value: String(r.value) };
    byHour.set(r.time, values);
  }
  const hours = [...byHour.keys()].sort();
  const packets: Buffer[] = [];
  hours.forEach((time, n) => {
    const dataTime = dataTimeOf(time);
    // QN: the time the logger sent it (an hour after the hour it describes) and a counter: 17 digits.
    packets.push(
      packetOf(d, {
        cn: '2061',
        st: '22',
        qn: `${dataTime}${String(n % 1000).padStart(3, '0')}`,
        dataTime,
        values: byHour.get(time)!,
      }),
    );
  });
  const morning = hours.find((t) => t.slice(11, 13) === '09');
  if (d.subHourly && morning) {
    const values = byHour.get(morning)!;
    const base = dataTimeOf(morning).slice(0, 10); // yyyyMMddHH
    for (let minute = 0; minute < 10; minute++) {
      const dataTime = `${base}${String(minute).padStart(2, '0')}00`;
      packets.push(packetOf(d, { cn: '2051', st: '22', qn: `${dataTime}500`, dataTime, values }));
    }
    for (const second of ['00', '30', '59']) {
      const dataTime = `${base}10${second}`;
      packets.push(packetOf(d, { cn: '2011', st: '22', qn: `${dataTime}900`, dataTime, values }));
    }
  }
  return { mn: d.mn, packets, rows: rows.length };
}
