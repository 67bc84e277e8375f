/**
 * Issue #20: every 503 for PostgreSQL said "the database is unreachable", a pool wait timeout too — the
 * database up but every connection of the pool in use — and operators chased a network fault that was not
 * there. Here both happen for real: a test holds the only connection of a pool of one (busy), then a TCP
 * proxy between the server and PostgreSQL is cut (unreachable). A push answers 503 either way, code
 * UNAVAILABLE and Retry-After as before, but names which one (Chinese first), with a shorter Retry-After when
 * busy; /readyz names it too; a server refusing a connection for its limit (53300) is busy as well.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { createAppContext, type AppContext } from '../../services/runtime/app-context.js';
import { buildServer } from '../../services/runtime/http-server.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { createUser, TEST_PASSWORD } from '../api/factories.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { createTestRedis, deleteKeysWithPrefix, uniqueQueuePrefix } from '../helpers/test-redis.js';

const db = useTestDatabase();
const prefix = uniqueQueuePrefix();
let pgProxy: TcpProxy;
let ctx: AppContext;
let app: Awaited<ReturnType<typeof buildServer>>;
let url: string;
let token: string;

beforeAll(async () => {
  pgProxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
  const sources = path.join(await mkdtemp(path.join(os.tmpdir(), 'envwatch-busy-')), 'sources.yaml');
  await writeFile(
    sources,
    `sources:\n  - { id: micro_stations_push, name_zh: 推送, adapter: http_push, cadence: hour, expected_lag: 1h, settle_window: 3h }\n`,
  );
  const dbUrl = new URL(db.url);
  dbUrl.host = `127.0.0.1:${pgProxy.port}`;
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    // One connection, so a test can take it; a short wait for it, so the busy answer comes quickly.
    DATABASE_POOL_SIZE: '1',
    PG_CONNECT_TIMEOUT_MS: '500',
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
  await app?.close();
  await ctx?.close();
  const redis = createTestRedis();
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
  await pgProxy.close();
});

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { error?: { code: string; message: string; details?: { path?: string; reason?: string }[] } };
}

async function push(): Promise<Answer> {
  const res = await fetch(`${url}/api/ingest/measurements`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      source: 'micro_stations_push',
      measurements: [
        { time: '2024-06-01T08:00:00+08:00', series: 'st_beiyuan_1', metric: 'pm25', value: 30 },
      ],
    }),
    signal: AbortSignal.timeout(15_000),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as Answer['body'],
  };
}

async function readyz(): Promise<{ status: number; postgres: string }> {
  const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(15_000) });
  const body = (await res.json()) as { checks: { postgres: string } };
  return { status: res.status, postgres: body.checks.postgres };
}

describe('PostgreSQL busy', () => {
  it('shows a dashboard page 503 "busy" (Chinese first) with Retry-After, not a bare request id', async () => {
    const admin = await createUser(db.pool, 'admin');
    const login = await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: admin.username, password: TEST_PASSWORD }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const held = await ctx.db.connect();
    try {
      const res = await fetch(`${url}/alerts`, {
        headers: { cookie, accept: 'text/html' },
        redirect: 'manual',
        signal: AbortSignal.timeout(15_000),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.text()).toContain('数据库繁忙');
    } finally {
      held.release();
    }
  }, 60_000);

  it('answers a push 503 "busy" with a short Retry-After while every pool connection is held', async () => {
    const held = await ctx.db.connect();
    try {
      const p = await push();
      expect(p.status).toBe(503);
      expect(p.body.error).toMatchObject({
        code: 'UNAVAILABLE',
        details: [{ path: 'postgres', reason: 'BUSY' }],
      });
      expect(p.body.error!.message).toMatch(/^数据库繁忙.*\(the database is busy/);
      expect(p.body.error!.message).not.toMatch(/unreachable/);
      expect(p.retryAfter).toBe('5');
      const ready = await readyz();
      expect(ready.status).toBe(503);
      expect(ready.postgres).toMatch(/^busy: /);
    } finally {
      held.release();
    }
    expect((await push()).status).toBe(200);
  }, 60_000);

  it('answers 503 "busy" when the server refuses a connection for its limit (53300)', async () => {
    // A role allowed no connection at all: the server answers 53300 too_many_connections, as it does at
    // max_connections (superusers, which the tests connect as, are exempt from both limits).
    const role = `${db.name}_limited`;
    await db.pool.query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 0`);
    try {
      const limited = new URL(db.url);
      limited.username = role;
      const client = new pg.Client({ connectionString: limited.toString() });
      const err = await client.connect().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: '53300' });
      const { statusOf, errorBody } = await import('../../services/api/errors.js');
      expect(statusOf(err)).toBe(503);
      expect(errorBody(err, 503).error).toMatchObject({ details: [{ path: 'postgres', reason: 'BUSY' }] });
    } finally {
      await db.pool.query(`DROP ROLE ${role}`);
    }
  });
});

describe('PostgreSQL unreachable', () => {
  it('answers a push 503 "unreachable" with Retry-After 30 while the connection is cut', async () => {
    pgProxy.cut();
    try {
      const p = await push();
      expect(p.status).toBe(503);
      expect(p.body.error).toMatchObject({
        code: 'UNAVAILABLE',
        details: [{ path: 'postgres', reason: 'UNREACHABLE' }],
      });
      expect(p.body.error!.message).toMatch(/^无法连接数据库.*\(the database is unreachable/);
      expect(p.retryAfter).toBe('30');
      const ready = await readyz();
      expect(ready.status).toBe(503);
      expect(ready.postgres).toMatch(/^unreachable: /);
    } finally {
      pgProxy.restore();
    }
    expect((await push()).status).toBe(200);
  }, 60_000);

  it('answers "unreachable", not "busy", when PostgreSQL goes silent (a new connection never completes)', async () => {
    pgProxy.hang();
    try {
      // Let the pool drop its idle client (its socket was closed): the push must open a new connection.
      await new Promise((r) => setTimeout(r, 300));
      const p = await push();
      expect(p.status).toBe(503);
      expect(p.body.error).toMatchObject({ details: [{ path: 'postgres', reason: 'UNREACHABLE' }] });
      // The pool waits for the connection, then /readyz's own connection waits too: bounded all the same.
      const started = Date.now();
      const ready = await readyz();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(ready.postgres).toMatch(/^unreachable: /);
    } finally {
      pgProxy.restore();
    }
    expect((await push()).status).toBe(200);
  }, 60_000);
});
