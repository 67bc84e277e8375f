/**
 * The device registry as the receiver uses it: read once, then re-read when the registry changed (a cheap
 * stamp query at most every `refreshMs`, and at once — rate-limited — when an unknown MN shows up, so a
 * device added with `envwatch device add` is accepted by its next packet).
 */
import type { Queryable } from '../../db/queryable.js';
import type { CrcMode } from './crc.js';
import { listDevices, readDeviceRegistryStamp, type DeviceRow } from './device-queries.js';
import type { FactorMapping } from './factors.js';
import type { ReplyFormat } from './replies.js';
import { parseSm4Key } from './sm4.js';
import type { ProtocolVersion } from './versions.js';

export interface Device {
  mn: string;
  siteId: string;
  password: string;
  version: ProtocolVersion;
  crcMode: CrcMode;
  replyFormat: ReplyFormat;
  key: Buffer | null;
  factors: ReadonlyMap<string, FactorMapping>;
  expectedIntervalMs: number;
  /** Offset of the logger's clock, e.g. +08:00. */
  zone: string;
  lengthLenient: boolean;
  enabled: boolean;
}

export function toDevice(r: DeviceRow): Device {
  return {
    mn: r.mn,
    siteId: r.site_id,
    password: r.password,
    version: r.protocol_version,
    crcMode: r.crc_mode,
    replyFormat: r.reply_format,
    key: r.sm4_key ? parseSm4Key(r.sm4_key) : null,
    factors: new Map(Object.entries(r.factors)),
    expectedIntervalMs: r.expected_interval_seconds * 1000,
    zone: r.time_zone,
    lengthLenient: r.length_lenient,
    enabled: r.enabled,
  };
}

export class DeviceCache {
  private devices = new Map<string, Device>();
  private stamp: string | null = null;
  private checkedAt = 0;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly db: Queryable,
    private readonly refreshMs = 5_000,
    private readonly now: () => number = Date.now,
    /** Called after the registry was re-read because it changed. */
    private readonly onChange: () => void = () => undefined,
  ) {}

  get(mn: string): Device | undefined {
    return this.devices.get(mn);
  }

  get size(): number {
    return this.devices.size;
  }

  /** Re-reads the registry if it changed; at most once per `minGapMs` unless forced by `load()`. */
  async refresh(minGapMs = this.refreshMs): Promise<void> {
    if (this.now() - this.checkedAt < minGapMs) return;
    if (this.loading) return this.loading;
    this.loading = this.reload().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  async load(): Promise<void> {
    this.checkedAt = 0;
    await this.refresh(0);
  }

  private async reload(): Promise<void> {
    this.checkedAt = this.now();
    const stamp = await readDeviceRegistryStamp(this.db);
    if (stamp === this.stamp) return;
    const rows = await listDevices(this.db);
    this.devices = new Map(rows.map((r) => [r.mn, toDevice(r)]));
    this.stamp = stamp;
    this.onChange();
  }
}
