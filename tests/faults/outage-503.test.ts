/**
 * Issue #20 (medium): with Redis down /readyz and a push hung (ioredis queues commands until it reconnects);
 * with PostgreSQL down requests answered 500. Both are cut here for real, through TCP proxies between the
 * server and them: /readyz answers 503 within its check timeout, naming what is down; a request that needs
 * PostgreSQL answers 503 with Retry-After; a push while the queue is unreachable is answered 503 at once,
 * before anything is stored; and all of it recovers by itself when the proxies let traffic through again.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { buildServer } from '../../services/runtime/http-server.js';
import { createAppContext, type AppContext } from '../../services/runtime/app-context.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { createUser } from '../api/factories.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { createTestRedis, deleteKeysWithPrefix, uniqueQueuePrefix } from '../helpers/test-redis.js';

const db = useTestDatabase();
const prefix = uniqueQueuePrefix();
let pgProxy: TcpProxy;
let redisProxy: TcpProxy;
let ctx: AppContext;
let app: Awaited<ReturnType<typeof buildServer>>;
let url: string;
let token: string;

beforeAll(async () => {
  pgProxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
  redisProxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
  const sources = path.join(await mkdtemp(path.join(os.tmpdir(), 'envwatch-outage-')), 'sources.yaml');
  await writeFile(
    sources,
    `sources:\n  - { id: micro_stations_push, name_zh: 推送, adapter: http_push, cadence: hour, expected_lag: 1h, settle_window: 3h }\n`,
  );
  const dbUrl = new URL(db.url);
  dbUrl.host = `127.0.0.1:${pgProxy.port}`;
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
    QUEUE_PREFIX: prefix,
    SOURCES_FILE: sources,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
  });
  ctx = createAppContext(config, { clock: new ManualClock(new Date('2024-06-15T04:00:00Z')) });
  app = await buildServer(ctx);
  url = await app.listen({ host: '127.0.0.1', port: 0 });
  token = (await createUser(db.pool, 'admin')).token;
});

afterAll(async () => {
  pgProxy.restore();
  redisProxy.restore();
  await app?.close();
  await ctx?.close();
  const redis = createTestRedis();
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
  await pgProxy.close();
  await redisProxy.close();
});

async function timed(path: string, init: RequestInit = {}) {
  const started = Date.now();
  const res = await fetch(`${url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
    signal: AbortSignal.timeout(15_000),
  });
  return { res, ms: Date.now() - started, body: (await res.json()) as Record<string, unknown> };
}

const push = () =>
  timed('/api/ingest/measurements', {
    method: 'POST',
    body: JSON.stringify({
      source: 'micro_stations_push',
      measurements: [
        { time: '2024-06-01T08:00:00+08:00', series: 'st_beiyuan_1', metric: 'pm25', value: 30 },
      ],
    }),
  });

describe('PostgreSQL and Redis unreachable', () => {
  it('answers /readyz 503 quickly when Redis is down, and a push 503 without storing it', async () => {
    expect((await timed('/readyz')).res.status).toBe(200);
    redisProxy.cut();
    const ready = await timed('/readyz');
    expect(ready.res.status).toBe(503);
    expect(ready.ms).toBeLessThan(5_000);
    expect(ready.body).toMatchObject({ checks: { postgres: 'ok' } });
    const p = await push();
    expect(p.ms).toBeLessThan(5_000);
    expect(p.res.status).toBe(503);
    expect(p.res.headers.get('retry-after')).toMatch(/^\d+$/);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM ingest_batch`);
    expect(rows).toEqual([{ n: 0 }]);
    redisProxy.restore();
    for (let i = 0; i < 100 && (await timed('/readyz')).res.status !== 200; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await timed('/readyz')).res.status).toBe(200);
  }, 60_000);

  it('answers 503 with Retry-After, not 500, while PostgreSQL is down, and recovers', async () => {
    pgProxy.cut();
    const ready = await timed('/readyz');
    expect(ready.res.status).toBe(503);
    expect(ready.ms).toBeLessThan(5_000);
    const data = await timed('/api/alerts');
    expect(data.res.status).toBe(503);
    expect(data.res.headers.get('retry-after')).toMatch(/^\d+$/);
    pgProxy.restore();
    expect((await timed('/api/alerts')).res.status).toBe(200);
  }, 60_000);

  it('answers 503 within PG_CONNECT_TIMEOUT_MS when PostgreSQL goes silent (not after the 10 s it took)', async () => {
    pgProxy.hang();
    // Let the pool drop its idle clients (their sockets were closed): the request must open a new connection.
    await new Promise((r) => setTimeout(r, 300));
    const data = await timed('/api/alerts');
    expect(data.res.status).toBe(503);
    expect(data.res.headers.get('retry-after')).toMatch(/^\d+$/);
    // 3 s connect timeout + the request's own work; before: pg's 10 s connectionTimeoutMillis.
    expect(data.ms).toBeLessThan(6_000);
    pgProxy.restore();
    expect((await timed('/api/alerts')).res.status).toBe(200);
  }, 60_000);

  it('says /readyz "busy", within its bound, while every pool connection is held and the database answers', async () => {
    // Default timeouts: the check gives the pool 2 s, less than the pool's own 3 s wait, so /readyz asks a
    // connection of its own whether the server answers.
    const held = await Promise.all(
      Array.from({ length: ctx.config.DATABASE_POOL_SIZE }, () => ctx.db.connect()),
    );
    try {
      const ready = await timed('/readyz');
      expect(ready.res.status).toBe(503);
      expect(ready.ms).toBeLessThan(5_000);
      expect(ready.body).toMatchObject({
        checks: { postgres: expect.stringMatching(/^busy: all \d+ pool connections in use/) as unknown },
      });
    } finally {
      for (const c of held) c.release();
    }
    expect((await timed('/readyz')).res.status).toBe(200);
  }, 60_000);
});
