/**
 * The real server for API and browser tests: its own migrated database (useTestDatabase), its own queue
 * prefix in the real Redis, listening on 127.0.0.1:0. Requests go over HTTP with fetch.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig, type Config } from '../../config/env.js';
import { buildServer } from '../../services/runtime/http-server.js';
import { createAppContext, type AppContext } from '../../services/runtime/app-context.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { createTestRedis, deleteKeysWithPrefix, uniqueQueuePrefix } from '../helpers/test-redis.js';

export interface ApiServer {
  db: TestDatabase;
  ctx: AppContext;
  app: FastifyInstance;
  url: string;
  clock: ManualClock;
  config: Config;
}

/** 2024-06-15 12:00 in Shanghai: mid-year of the 2024 plan. */
export const TEST_NOW = new Date('2024-06-15T04:00:00Z');

export function useApiServer(env: Record<string, string> = {}): ApiServer {
  const db = useTestDatabase();
  const prefix = uniqueQueuePrefix();
  const handle = {} as ApiServer;
  beforeAll(async () => {
    const config = loadConfig({
      ...process.env,
      DATABASE_URL: db.url,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      ...env,
    });
    const clock = new ManualClock(TEST_NOW);
    const ctx = createAppContext(config, { clock });
    const app = await buildServer(ctx);
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    Object.assign(handle, { db, ctx, app, url, clock, config });
  });
  afterAll(async () => {
    await handle.app?.close();
    await handle.ctx?.close();
    const redis = createTestRedis();
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });
  return handle;
}

export interface Client {
  get(path: string): Promise<Response>;
  send(method: string, path: string, body?: unknown): Promise<Response>;
}

/** An HTTP client with a bearer token (or none: unauthenticated). */
export function client(server: ApiServer, token: string | null): Client {
  const headers = (extra: Record<string, string> = {}) => ({
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  });
  return {
    get: (path) => fetch(`${server.url}${path}`, { headers: headers() }),
    send: (method, path, body) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}

export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
