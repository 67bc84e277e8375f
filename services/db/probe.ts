/**
 * One connection of its own to PostgreSQL, outside the pool, bounded in time. /readyz asks it when the pool
 * could not answer: a pool whose every connection is in use and a server that cannot be reached look the same
 * from inside the pool (no answer), and only a connection that does not wait for a pool slot tells them apart.
 */
import pg from 'pg';
import { databaseOutage, type DatabaseOutage } from './pg-errors.js';

export type ProbeResult = { ok: true } | { ok: false; outage: DatabaseOutage | null; message: string };

export async function probeDatabase(connectionString: string, timeoutMs: number): Promise<ProbeResult> {
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: 'envwatch-probe',
  });
  // A connection lost after connect() would otherwise be an 'error' event nobody listens to (process exit).
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (err) {
    return {
      ok: false,
      outage: databaseOutage(err),
      message: err instanceof Error ? err.message : String(err),
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
