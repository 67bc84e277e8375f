/**
 * Issue #20 (low): the audit log took the client address from X-Forwarded-For, which anybody can write
 * (`trustProxy: true`), and /metrics answered anybody when no METRICS_TOKEN was set. Now the socket address is
 * the client unless TRUST_PROXY names the proxy, and /metrics is closed unless a token or METRICS_PUBLIC opens it.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { createUser } from '../api/factories.js';
import { client, useApiServer, type ApiServer } from '../api/harness.js';

async function loginFrom(server: ApiServer, forwardedFor: string): Promise<string | null> {
  const u = await createUser(server.db.pool, 'readonly');
  const res = await fetch(`${server.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ username: u.username, password: u.password }),
  });
  expect(res.status).toBe(200);
  const { rows } = await server.db.pool.query<{ ip: string | null }>(
    `SELECT ip FROM audit_log WHERE action = 'session.login' AND actor = $1`,
    [u.username],
  );
  expect(rows).toHaveLength(1);
  return rows[0]!.ip;
}

describe('without TRUST_PROXY (the default)', () => {
  const server = useApiServer();

  it('audits the socket address, not a forged X-Forwarded-For', async () => {
    expect(await loginFrom(server, '203.0.113.66')).toBe('127.0.0.1');
  });

  it('audits refusals of signed-in callers: a 403, a CSRF failure, a refused push — not anonymous 401s', async () => {
    const readonly = await createUser(server.db.pool, 'readonly');
    const admin = await createUser(server.db.pool, 'admin');
    const push = { source: 'micro_push', measurements: [{ time: 'yesterday', series: 'x', metric: 'pm25' }] };
    expect((await client(server, readonly.token).send('POST', '/api/tokens', { name: 'mine' })).status).toBe(
      403,
    );
    // No such source here: refused with 404, a failed push all the same.
    expect((await client(server, admin.token).send('POST', '/api/ingest/measurements', push)).status).toBe(
      404,
    );
    expect((await client(server, null).send('POST', '/api/ingest/measurements', push)).status).toBe(401);
    const session = await fetch(`${server.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: readonly.username, password: readonly.password }),
    });
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0]!;
    const csrf = await fetch(`${server.url}/api/session`, { method: 'DELETE', headers: { cookie } });
    expect(csrf.status).toBe(403);
    const { rows } = await server.db.pool.query<{
      actor: string;
      action: string;
      status: number;
      code: string;
    }>(
      `SELECT actor, action, (after->>'status')::int AS status, after->>'code' AS code FROM audit_log
        WHERE action IN ('access.denied', 'ingest.push_refused') ORDER BY id`,
    );
    expect(rows).toEqual([
      { actor: readonly.username, action: 'access.denied', status: 403, code: 'FORBIDDEN' },
      { actor: admin.username, action: 'ingest.push_refused', status: 404, code: 'NOT_FOUND' },
      { actor: readonly.username, action: 'access.denied', status: 403, code: 'FORBIDDEN' },
    ]);
  });

  it('closes /metrics when no METRICS_TOKEN is set', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('METRICS_TOKEN');
  });
});

describe('with TRUST_PROXY naming the proxy, and METRICS_PUBLIC', () => {
  const server = useApiServer({ TRUST_PROXY: '127.0.0.1', METRICS_PUBLIC: 'true' });

  it('audits the address the trusted proxy forwards', async () => {
    expect(await loginFrom(server, '203.0.113.66')).toBe('203.0.113.66');
  });

  it('serves /metrics without a token when the operator opened it', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
  });
});

describe('TRUST_PROXY parsing', () => {
  it('reads false by default, true, and a list of proxy addresses', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 10.1.0.0/16' }).TRUST_PROXY).toEqual([
      '10.0.0.5',
      '10.1.0.0/16',
    ]);
  });
});
