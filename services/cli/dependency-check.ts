/**
 * Clear messages when PostgreSQL or Redis cannot be reached: what failed, how to start it, which variable
 * to set — never a stack trace.
 */
import pg from 'pg';
import { Redis } from 'ioredis';
import type { Config } from '../../config/env.js';
import { EnvwatchError } from '../errors.js';

export class DependencyUnavailableError extends EnvwatchError {
  readonly code = 'DEPENDENCY_UNAVAILABLE';
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

export async function checkPostgres(config: Config, timeoutMs = 5_000): Promise<void> {
  const client = new pg.Client({ connectionString: config.DATABASE_URL, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === '3D000') {
      const db = new URL(config.DATABASE_URL).pathname.slice(1);
      throw new DependencyUnavailableError(
        `PostgreSQL is running but the database "${db}" does not exist.\n` +
          `  Create it:  createdb -h 127.0.0.1 -U postgres ${db}\n` +
          `  or point DATABASE_URL at an existing database.`,
      );
    }
    throw new DependencyUnavailableError(
      `Cannot reach PostgreSQL at ${redact(config.DATABASE_URL)} (${(err as Error).message}).\n` +
        `  Start it locally:  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n` +
        `  or with Docker:    docker compose up -d db\n` +
        `  or set DATABASE_URL to your server (see .env.example).`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function checkRedis(config: Config, timeoutMs = 5_000): Promise<void> {
  const redis = new Redis(config.REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined); // reported below, once, in words
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new DependencyUnavailableError(
      `Cannot reach Redis at ${redact(config.REDIS_URL)} (${(err as Error).message}).\n` +
        `  Start it locally:  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --maxmemory-policy noeviction\n` +
        `  or with Docker:    docker compose up -d redis\n` +
        `  or set REDIS_URL (see .env.example).`,
    );
  } finally {
    redis.disconnect();
  }
}

/** Creates the configured database when the server is reachable but the database is missing (first run). */
export async function ensureDatabaseExists(config: Config): Promise<boolean> {
  const url = new URL(config.DATABASE_URL);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 1) return false;
    await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } catch {
    return false; // checkPostgres reports the real problem in words
  } finally {
    await admin.end().catch(() => undefined);
  }
}
