/**
 * The storage mode the test databases of this run use, decided the way migration 0002 decides it for the
 * template: STORAGE_MODE, and under `auto` TimescaleDB when the server has it installed and preloaded.
 * Mode-specific tests branch on it at collection time, so that DATABASE_URL pointing at a TimescaleDB server
 * runs the whole suite green (issue #19 item 9). Asked of the server's `postgres` database, never of the
 * template: a session on the template would make the other test files' CREATE DATABASE … TEMPLATE fail.
 */
import pg from 'pg';
import { loadConfig } from '../../config/env.js';
import type { StorageMode } from '../../services/store/storage-mode.js';

export async function testStorageMode(): Promise<StorageMode> {
  const config = loadConfig();
  if (config.STORAGE_MODE !== 'auto') return config.STORAGE_MODE;
  const url = new URL(config.DATABASE_URL);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ available: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
              AND coalesce(current_setting('shared_preload_libraries', true), '') ~ 'timescaledb' AS available`,
    );
    return rows[0]?.available ? 'timescale' : 'plain';
  } finally {
    await client.end();
  }
}
