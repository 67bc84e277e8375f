import { describe, expect, it } from 'vitest';
import { login } from '../../services/auth/sessions.js';
import { client, json, useApiServer } from './harness.js';
import { createUser, seedAlert, seedDistricts } from './factories.js';

const server = useApiServer({
  INITIAL_ADMIN_USERNAME: 'demo-admin',
  INITIAL_ADMIN_PASSWORD: 'demo-password-123',
});

async function loginSession(
  username: string,
  password: string,
): Promise<{ cookie: string; csrf: string; res: Response }> {
  const res = await fetch(`${server.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const csrf = res.ok ? ((await res.clone().json()) as { csrfToken: string }).csrfToken : '';
  return { cookie, csrf, res };
}

describe('authentication', () => {
  it('refuses an unauthenticated request with 401 and a JSON error body', async () => {
    const res = await client(server, null).get('/api/alerts');
    expect(res.status).toBe(401);
    expect(await json(res)).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
  });

  it('refuses an unknown token and a revoked token with 401', async () => {
    await seedDistricts(server.db.pool);
    expect((await client(server, 'ewt_not-a-real-token').get('/api/areas')).status).toBe(401);
    const u = await createUser(server.db.pool, 'bureau');
    const c = client(server, u.token);
    expect((await c.get('/api/areas')).status).toBe(200);
    const tokens = await json<{ tokens: { id: number }[] }>(await c.get('/api/tokens'));
    expect((await c.send('DELETE', `/api/tokens/${tokens.tokens[0]!.id}`)).status).toBe(200);
    expect((await c.get('/api/areas')).status).toBe(401);
  });

  it('stores passwords as scrypt hashes and tokens as SHA-256 digests, never in clear', async () => {
    const u = await createUser(server.db.pool, 'readonly');
    const { rows } = await server.db.pool.query<{ password_hash: string; token_hash: string }>(
      `SELECT u.password_hash, t.token_hash FROM app_user u JOIN api_token t ON t.user_id = u.id WHERE u.id = $1`,
      [u.id],
    );
    expect(rows[0]!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(rows[0]!.password_hash).not.toContain(u.password);
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.token_hash).not.toContain(u.token.slice(4));
  });

  it('creates the env-configured initial administrator at start', async () => {
    const { res } = await loginSession('demo-admin', 'demo-password-123');
    expect(res.status).toBe(200);
    const { rows } = await server.db.pool.query(`SELECT role FROM app_user WHERE username = 'demo-admin'`);
    expect(rows[0]).toEqual({ role: 'admin' });
  });

  it('logs in with a session cookie (httpOnly, SameSite=Lax) and ends it at logout', async () => {
    const u = await createUser(server.db.pool, 'bureau');
    const { cookie, csrf, res } = await loginSession(u.username, u.password);
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    expect(res.headers.get('set-cookie')).toMatch(/SameSite=Lax/i);
    const me = await fetch(`${server.url}/api/me`, { headers: { cookie } });
    expect(await json(me)).toMatchObject({ username: u.username, role: 'bureau', via: 'session' });
    const out = await fetch(`${server.url}/api/session`, {
      method: 'DELETE',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(out.status).toBe(204);
    expect((await fetch(`${server.url}/api/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('expires a session at its end time', async () => {
    const u = await createUser(server.db.pool, 'bureau');
    const { cookie } = await loginSession(u.username, u.password);
    expect((await fetch(`${server.url}/api/me`, { headers: { cookie } })).status).toBe(200);
    await server.db.pool.query(
      `UPDATE user_session SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [u.id],
    );
    expect((await fetch(`${server.url}/api/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('expires a session left idle longer than SESSION_IDLE_MINUTES', async () => {
    const u = await createUser(server.db.pool, 'bureau');
    const { cookie } = await loginSession(u.username, u.password);
    await server.db.pool.query(
      `UPDATE user_session SET last_seen_at = now() - interval '121 minutes' WHERE user_id = $1`,
      [u.id],
    );
    expect((await fetch(`${server.url}/api/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('requires the CSRF token for cookie-authenticated writes', async () => {
    const u = await createUser(server.db.pool, 'bureau');
    const alertId = await seedAlert(server.db.pool, { scopeId: 'beiyuan' });
    const { cookie, csrf } = await loginSession(u.username, u.password);
    const post = (headers: Record<string, string>) =>
      fetch(`${server.url}/api/alerts/${alertId}/acknowledge`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', ...headers },
        body: '{}',
      });
    const refused = await post({});
    expect(refused.status).toBe(403);
    expect(await json(refused)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((await post({ 'x-csrf-token': 'wrong' })).status).toBe(403);
    expect((await post({ 'x-csrf-token': csrf })).status).toBe(200);
  });

  it('locks an address out of an account at the 10th wrong password in a row and audits each failure', async () => {
    const u = await createUser(server.db.pool, 'readonly');
    // Eight failures already counted from this address (scrypt is slow on purpose; the count is what matters).
    await server.db.pool.query(
      `INSERT INTO login_throttle (username, ip, failures) VALUES ($1, '127.0.0.1', 8)`,
      [u.username],
    );
    expect((await loginSession(u.username, 'wrong-password')).res.status).toBe(401);
    expect((await loginSession(u.username, 'wrong-password')).res.status).toBe(401);
    // The right password is refused from this address while the lock lasts.
    expect((await loginSession(u.username, u.password)).res.status).toBe(401);
    const { rows } = await server.db.pool.query<{ reason: string; locked: string | null }>(
      `SELECT after->>'reason' AS reason, after->>'locked' AS locked FROM audit_log WHERE action = 'session.login_failed' AND actor = $1 ORDER BY id`,
      [u.username],
    );
    expect(rows).toEqual([
      { reason: 'wrong password', locked: 'false' },
      { reason: 'wrong password', locked: 'true' },
      { reason: 'locked for this address', locked: null },
    ]);
  });

  it('does not let whoever knows a login lock its owner out: another address still logs in', async () => {
    const u = await createUser(server.db.pool, 'readonly');
    await server.db.pool.query(
      `INSERT INTO login_throttle (username, ip, failures, locked_until) VALUES ($1, '127.0.0.1', 0, now() + interval '15 minutes')`,
      [u.username],
    );
    expect((await loginSession(u.username, u.password)).res.status).toBe(401);
    const owner = await login(
      server.db.pool,
      { username: u.username, password: u.password, ip: '198.51.100.7', userAgent: null },
      { ttlMinutes: 60, idleMinutes: 30 },
    );
    expect(owner.userId).toBe(u.id);
    const { rows } = await server.db.pool.query(`SELECT locked_until FROM app_user WHERE id = $1`, [u.id]);
    expect(rows[0]).toEqual({ locked_until: null });
  });
});

describe('the audit log', () => {
  it('records logins and refuses UPDATE, DELETE and TRUNCATE', async () => {
    const { rows } = await server.db.pool.query<{ id: number }>(
      `SELECT id FROM audit_log WHERE action = 'session.login' LIMIT 1`,
    );
    expect(rows).toHaveLength(1);
    await expect(
      server.db.pool.query(`UPDATE audit_log SET actor = 'someone else' WHERE id = $1`, [rows[0]!.id]),
    ).rejects.toThrow(/append-only/);
    await expect(server.db.pool.query(`DELETE FROM audit_log WHERE id = $1`, [rows[0]!.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(server.db.pool.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
  });

  it('is readable by administrators only', async () => {
    const admin = await createUser(server.db.pool, 'admin');
    const bureau = await createUser(server.db.pool, 'bureau');
    expect((await client(server, bureau.token).get('/api/audit')).status).toBe(403);
    const res = await client(server, admin.token).get('/api/audit?entity_type=api_token');
    expect(res.status).toBe(200);
    const body = await json<{ entries: { action: string }[] }>(res);
    expect(body.entries.map((e) => e.action)).toContain('token.create');
  });
});
