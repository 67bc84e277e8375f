import type { Queryable } from '../db/queryable.js';

export type StorageMode = 'timescale' | 'plain';

/** The storage mode chosen by migration 0002 (and recorded there), not re-detected at every call. */
export async function readStorageMode(db: Queryable): Promise<StorageMode> {
  const { rows } = await db.query<{ mode: StorageMode }>('SELECT mode FROM envwatch_storage');
  const mode = rows[0]?.mode;
  if (!mode) throw new Error('envwatch_storage is empty: run `envwatch migrate` first');
  return mode;
}

/**
 * The raw-data retention in force (days; 0 = keep for ever), as the last applyStoragePolicies recorded it.
 * Ingest refuses rows older than it: see migration 0052.
 */
export async function readRawRetentionDays(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ raw_retention_days: number }>(
    'SELECT raw_retention_days FROM envwatch_storage',
  );
  return rows[0]?.raw_retention_days ?? 0;
}

export async function readTimescaleVersion(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ extversion: string }>(
    `SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'`,
  );
  return rows[0]?.extversion ?? null;
}
