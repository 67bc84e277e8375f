/**
 * Compression and retention, from configuration. Under TimescaleDB they are background policies (set
 * idempotently: remove, then add with the configured interval); in plain mode retention drops whole monthly
 * partitions older than the retention window (a daily maintenance job), and there is no compression.
 * Rollups are never dropped: raw retention keeps the daily and monthly figures the targets need.
 */
import type { Queryable } from '../db/queryable.js';
import { ValidationError } from '../errors.js';
import { readStorageMode } from './storage-mode.js';

/**
 * The continuous-aggregate refresh policies of migration 0003 re-materialise the last 120 (daily) and 150
 * (monthly) days. Dropping raw chunks inside that window would make a refresh delete the rollups of the
 * dropped days, so under TimescaleDB raw retention must reach further back than the policies look.
 */
export const MIN_TIMESCALE_RETENTION_DAYS = 151;

export interface StoragePolicyConfig {
  RAW_RETENTION_DAYS: number;
  COMPRESS_AFTER_DAYS: number;
}

export interface PolicyReport {
  mode: 'timescale' | 'plain';
  compression: string;
  retention: string;
  droppedPartitions: string[];
}

export async function applyStoragePolicies(
  db: Queryable,
  config: StoragePolicyConfig,
  now: Date = new Date(),
): Promise<PolicyReport> {
  const mode = await readStorageMode(db);
  if (
    mode === 'timescale' &&
    config.RAW_RETENTION_DAYS > 0 &&
    config.RAW_RETENTION_DAYS < MIN_TIMESCALE_RETENTION_DAYS
  ) {
    throw new ValidationError(
      `RAW_RETENTION_DAYS=${config.RAW_RETENTION_DAYS} is too short under TimescaleDB: use 0 (keep raw data) or at least ${MIN_TIMESCALE_RETENTION_DAYS} days, beyond the continuous aggregates' refresh window, or the daily and monthly rollups of dropped days would be erased`,
    );
  }
  // Recorded before anything is dropped: from here on ingest refuses rows older than the window.
  await db.query('UPDATE envwatch_storage SET raw_retention_days = $1', [config.RAW_RETENTION_DAYS]);
  if (mode === 'timescale') {
    await db.query(`SELECT remove_compression_policy('measurement', if_exists => true)`);
    await db.query(`SELECT add_compression_policy('measurement', $1::interval)`, [
      `${config.COMPRESS_AFTER_DAYS} days`,
    ]);
    await db.query(`SELECT remove_retention_policy('measurement', if_exists => true)`);
    if (config.RAW_RETENTION_DAYS > 0) {
      await db.query(`SELECT add_retention_policy('measurement', $1::interval)`, [
        `${config.RAW_RETENTION_DAYS} days`,
      ]);
    }
    return {
      mode,
      compression: `chunks older than ${config.COMPRESS_AFTER_DAYS} days`,
      retention:
        config.RAW_RETENTION_DAYS > 0
          ? `raw rows older than ${config.RAW_RETENTION_DAYS} days`
          : 'keep raw rows',
      droppedPartitions: [],
    };
  }
  const dropped =
    config.RAW_RETENTION_DAYS > 0 ? await dropExpiredPartitions(db, config.RAW_RETENTION_DAYS, now) : [];
  return {
    mode,
    compression: 'not available without TimescaleDB',
    retention:
      config.RAW_RETENTION_DAYS > 0
        ? `raw partitions older than ${config.RAW_RETENTION_DAYS} days`
        : 'keep raw rows',
    droppedPartitions: dropped,
  };
}

/** Drops monthly partitions whose whole range ends before now − retention. */
async function dropExpiredPartitions(db: Queryable, retentionDays: number, now: Date): Promise<string[]> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const { rows } = await db.query<{ name: string; upper: Date }>(
    `SELECT c.relname AS name,
            (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz AS upper
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'measurement'::regclass`,
  );
  const expired = rows.filter((r) => r.upper <= cutoff).map((r) => r.name);
  for (const name of expired) {
    // The name comes from the catalogue and matches measurement_yYYYYmMM; quote it anyway.
    await db.query(`DROP TABLE "${name.replace(/"/g, '""')}"`);
  }
  return expired;
}
