/**
 * Issue #20 (low): requests that answered 500 or did too much. A NUL byte in a query parameter reached
 * PostgreSQL (which refuses it in text) and answered 500 on 18 routes; a malformed Origin on POST /login threw
 * in `new URL`; a readonly account could mint API tokens. Each is now a 4xx naming what is wrong.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from './factories.js';
import { client, useApiServer } from './harness.js';

const server = useApiServer();
let admin: TestUser;
let reader: TestUser;

beforeAll(async () => {
  admin = await createUser(server.db.pool, 'admin');
  reader = await createUser(server.db.pool, 'readonly');
});

describe('hostile requests', () => {
  it('answers 400, not 500, to a NUL byte in a query parameter', async () => {
    for (const path of ['/api/alerts?status=%00', '/api/audit?action=a%00b', '/api/deliveries?channel=%00']) {
      const res = await client(server, admin.token).get(path);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/NUL/);
    }
  });

  it('answers 400, not 500, to a malformed Origin on POST /login', async () => {
    const res = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { origin: 'http://[not a host', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=x&password=y',
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
  });

  it('does not let a readonly account issue API tokens', async () => {
    const res = await client(server, reader.token).send('POST', '/api/tokens', { name: 'mine' });
    expect(res.status).toBe(403);
    const { rows } = await server.db.pool.query(
      `SELECT count(*)::int AS n FROM api_token WHERE user_id = $1`,
      [reader.id],
    );
    expect(rows).toEqual([{ n: 1 }]); // only the one the test factory issued
  });
});
