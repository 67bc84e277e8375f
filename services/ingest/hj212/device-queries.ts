/** The receiver's reads of the device registry (hj212_device, written by services/registry) and its stats writes. */
import type { Queryable } from '../../db/queryable.js';

export interface DeviceRow {
  mn: string;
  site_id: string;
  name: string | null;
  password: string;
  protocol_version: '2005' | '2017' | '2025';
  crc_mode: 'standard' | 'modbus' | 'either';
  reply_format: 'standard' | '2005';
  sm4_key: string | null;
  factors: Record<string, { metric: string; unit: string }>;
  expected_interval_seconds: number;
  time_zone: string;
  length_lenient: boolean;
  enabled: boolean;
  updated_at: Date;
}

export async function listDevices(db: Queryable): Promise<DeviceRow[]> {
  const { rows } = await db.query<DeviceRow>(
    `SELECT mn, site_id, name, password, protocol_version, crc_mode, reply_format, sm4_key, factors,
            expected_interval_seconds, time_zone, length_lenient, enabled, updated_at
       FROM hj212_device ORDER BY mn`,
  );
  return rows;
}

/** The newest change to the registry: the receiver re-reads it only when this moved. */
export async function readDeviceRegistryStamp(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ stamp: string }>(
    `SELECT count(*)::text || '|' || coalesce(max(updated_at)::text, '') AS stamp FROM hj212_device`,
  );
  return rows[0]!.stamp;
}

export interface DeviceStatsDelta {
  mn: string;
  seenAt: Date;
  dataAt: Date | null;
  version: string | null;
  peer: string | null;
  packets: number;
  acked: number;
  rows: number;
  refusals: Record<string, number>;
  crcVariants: Record<string, number>;
}

/**
 * Adds one round's counts for every device seen, in one statement, locking the devices' rows in MN order
 * (the receiver writes them inside its round transactions, two of which may share devices). The refusal counters (a jsonb of reason →
 * count) are merged key by key only for devices with refusals in the round: the common round has none.
 */
export async function addDeviceStats(db: Queryable, deltas: readonly DeviceStatsDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  await db.query(
    `INSERT INTO hj212_device_stats AS s (mn, first_seen_at, last_seen_at, last_data_at, protocol_version,
                                          last_peer, packets, acked, rows_written, refusals, crc_standard, crc_modbus)
     SELECT d.mn, d.seen, d.seen, d.data_at, d.version, d.peer, d.packets, d.acked, d.rows, d.refusals, d.std, d.modbus
       FROM jsonb_to_recordset($1::jsonb) AS d(mn text, seen timestamptz, data_at timestamptz, version text,
            peer text, packets bigint, acked bigint, rows bigint, refusals jsonb, std bigint, modbus bigint)
      ORDER BY d.mn
     ON CONFLICT (mn) DO UPDATE SET
       last_seen_at = greatest(s.last_seen_at, EXCLUDED.last_seen_at),
       last_data_at = CASE WHEN EXCLUDED.last_data_at IS NULL THEN s.last_data_at
                           ELSE greatest(s.last_data_at, EXCLUDED.last_data_at) END,
       protocol_version = coalesce(EXCLUDED.protocol_version, s.protocol_version),
       last_peer = coalesce(EXCLUDED.last_peer, s.last_peer),
       packets = s.packets + EXCLUDED.packets,
       acked = s.acked + EXCLUDED.acked,
       rows_written = s.rows_written + EXCLUDED.rows_written,
       crc_standard = s.crc_standard + EXCLUDED.crc_standard,
       crc_modbus = s.crc_modbus + EXCLUDED.crc_modbus,
       refusals = CASE WHEN EXCLUDED.refusals = '{}'::jsonb THEN s.refusals ELSE
                    (SELECT jsonb_object_agg(k, coalesce((s.refusals ->> k)::bigint, 0)
                                                + coalesce((EXCLUDED.refusals ->> k)::bigint, 0))
                       FROM (SELECT jsonb_object_keys(s.refusals)
                             UNION SELECT jsonb_object_keys(EXCLUDED.refusals)) AS k(k)) END`,
    [
      JSON.stringify(
        deltas.map((d) => ({
          mn: d.mn,
          seen: d.seenAt.toISOString(),
          data_at: d.dataAt?.toISOString() ?? null,
          version: d.version,
          peer: d.peer,
          packets: d.packets,
          acked: d.acked,
          rows: d.rows,
          refusals: d.refusals,
          std: d.crcVariants.standard ?? 0,
          modbus: d.crcVariants.modbus ?? 0,
        })),
      ),
    ],
  );
}

export interface DeviceStatsRow {
  mn: string;
  site_id: string | null;
  registered: boolean;
  protocol_version: string | null;
  first_seen_at: Date;
  last_seen_at: Date;
  last_data_at: Date | null;
  last_peer: string | null;
  packets: number;
  acked: number;
  rows_written: number;
  refusals: Record<string, number>;
  crc_standard: number;
  crc_modbus: number;
  expected_interval_seconds: number | null;
  stale_since: Date | null;
}

export async function listDeviceStats(db: Queryable): Promise<DeviceStatsRow[]> {
  const { rows } = await db.query<DeviceStatsRow>(
    `SELECT s.mn, d.site_id, d.mn IS NOT NULL AS registered, s.protocol_version, s.first_seen_at, s.last_seen_at,
            s.last_data_at, s.last_peer, s.packets::float8 AS packets, s.acked::float8 AS acked,
            s.rows_written::float8 AS rows_written, s.refusals, s.crc_standard::float8 AS crc_standard,
            s.crc_modbus::float8 AS crc_modbus, d.expected_interval_seconds,
            s.stale_since
       FROM hj212_device_stats s LEFT JOIN hj212_device d ON d.mn = s.mn
      ORDER BY s.mn`,
  );
  return rows;
}

export interface DeviceSilenceRow {
  mn: string;
  site_id: string;
  expected_interval_seconds: number;
  /** The last packet, or the registration when none came yet. */
  heard_at: Date;
  last_seen_at: Date | null;
  stale_since: Date | null;
}

/** Enabled devices with when they were last heard of and whether their stale episode is open. */
export async function listDeviceSilence(db: Queryable, sourcePrefix: string): Promise<DeviceSilenceRow[]> {
  const { rows } = await db.query<DeviceSilenceRow>(
    `SELECT d.mn, d.site_id, d.expected_interval_seconds, coalesce(s.last_seen_at, d.created_at) AS heard_at,
            s.last_seen_at, st.stale_since
       FROM hj212_device d
       LEFT JOIN hj212_device_stats s ON s.mn = d.mn
       LEFT JOIN source_status st ON st.source_id = $1 || d.mn
      WHERE d.enabled
      ORDER BY d.mn`,
    [sourcePrefix],
  );
  return rows;
}
