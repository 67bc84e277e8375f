import { beforeAll, describe, expect, it } from 'vitest';
import { client, json, useApiServer } from './harness.js';
import {
  createUser,
  seedAlert,
  seedDistricts,
  seedEvaluation,
  seedScopeDaily,
  seedTargets,
  type TestUser,
} from './factories.js';

const server = useApiServer();
let beiyuan: TestUser;
let readonly: TestUser;
let bureau: TestUser;
let admin: TestUser;
let beiyuanAlert: number;
let zhongcangAlert: number;

beforeAll(async () => {
  const pool = server.db.pool;
  await seedDistricts(pool);
  await seedTargets(pool);
  beiyuan = await createUser(pool, 'area', { areaId: 'beiyuan' });
  readonly = await createUser(pool, 'readonly');
  bureau = await createUser(pool, 'bureau');
  admin = await createUser(pool, 'admin');
  beiyuanAlert = await seedAlert(pool, { scopeId: 'beiyuan' });
  zhongcangAlert = await seedAlert(pool, { scopeId: 'zhongcang' });
  await seedEvaluation(pool, {
    targetId: 'TZ24-AIR-05',
    scopeId: 'zhongcang',
    periodKey: '2024',
    status: 'breached',
    value: 41,
  });
  await seedScopeDaily(pool, 'zhongcang', '2024-01-01', '2024-01-31', () => 40);
  await pool.query(
    `INSERT INTO unit (id, name_zh, name_en, kind, district_id, area_id) VALUES ('gov_beiyuan', '北苑街道办事处', 'Beiyuan office', 'area', 'tongzhou', 'beiyuan')`,
  );
  await pool.query(
    `INSERT INTO contact (id, name_zh, unit_id, role, email, mobile, year_from) VALUES ('c1', '张三', 'gov_beiyuan', '主任', 'zhang@example.cn', '13800000001', 2024)`,
  );
});

describe('a street/town token', () => {
  const otherArea = [
    '/api/alerts?area=zhongcang',
    '/api/measurements?scope=zhongcang&metric=pm25&from=2024-01-01&to=2024-01-31',
    '/api/measurements?series=st_zhongcang_1&metric=pm25&from=2024-01-01&to=2024-01-02&bucket=hour',
    '/api/status?scope=zhongcang',
    '/api/areas/zhongcang/summary',
    '/api/deliveries?area=zhongcang',
  ];
  for (const path of otherArea) {
    it(`is refused another area's data with 403: ${path}`, async () => {
      const res = await client(server, beiyuan.token).get(path);
      expect(res.status).toBe(403);
      expect(await json(res)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    });
  }

  it("is refused another area's alert by id, and cannot acknowledge it", async () => {
    const c = client(server, beiyuan.token);
    expect((await c.get(`/api/alerts/${zhongcangAlert}`)).status).toBe(403);
    expect((await c.send('POST', `/api/alerts/${zhongcangAlert}/acknowledge`, {})).status).toBe(403);
    const { rows } = await server.db.pool.query(`SELECT state FROM alert WHERE id = $1`, [zhongcangAlert]);
    expect(rows[0]).toEqual({ state: 'firing' });
  });

  it('reads its own area, and its alert list holds only its own alerts', async () => {
    const c = client(server, beiyuan.token);
    expect(
      (await c.get('/api/measurements?scope=beiyuan&metric=pm25&from=2024-01-01&to=2024-01-31')).status,
    ).toBe(200);
    expect((await c.get('/api/areas/beiyuan/summary')).status).toBe(200);
    const alerts = await json<{ alerts: { id: number; area_id: string }[] }>(await c.get('/api/alerts'));
    expect(alerts.alerts.map((a) => a.id)).toEqual([beiyuanAlert]);
  });

  it('reads the district aggregate its targets are judged against, but not ingestion', async () => {
    const c = client(server, beiyuan.token);
    expect(
      (await c.get('/api/measurements?scope=tongzhou&metric=pm25&from=2024-01-01&to=2024-01-31')).status,
    ).toBe(200);
    expect(
      (await c.get('/api/measurements?scope=bda&metric=pm25&from=2024-01-01&to=2024-01-31')).status,
    ).toBe(403);
    expect((await c.get('/api/ingest/batches')).status).toBe(403);
  });

  it('sees only its own tile on the overview', async () => {
    const o = await json<{ areas: { id: string }[] }>(
      await client(server, beiyuan.token).get('/api/overview?district=tongzhou&year=2024'),
    );
    expect(o.areas.map((a) => a.id)).toEqual(['beiyuan']);
  });
});

describe('roles', () => {
  it('lets the district bureau read every area', async () => {
    const c = client(server, bureau.token);
    const status = await json<{ statuses: { scope_id: string; status: string; explanation_zh: string }[] }>(
      await c.get('/api/status?scope=zhongcang&period=2024'),
    );
    expect(status.statuses).toEqual([
      expect.objectContaining({
        scope_id: 'zhongcang',
        status: 'breached',
        explanation_zh: expect.stringContaining('35'),
      }),
    ]);
    const o = await json<{ areas: { id: string }[] }>(
      await c.get('/api/overview?district=tongzhou&year=2024'),
    );
    expect(o.areas.map((a) => a.id)).toEqual(['beiyuan', 'zhongcang', 'yongshun']);
  });

  it('lets read-only accounts and read-only tokens read but change nothing', async () => {
    const ro = client(server, readonly.token);
    expect((await ro.get('/api/alerts?area=zhongcang')).status).toBe(200);
    expect((await ro.send('POST', `/api/alerts/${zhongcangAlert}/acknowledge`, {})).status).toBe(403);
    const roToken = await createUser(server.db.pool, 'bureau', { readOnlyToken: true });
    expect(
      (
        await client(server, roToken.token).send('POST', `/api/alerts/${zhongcangAlert}/comments`, {
          text: 'x',
        })
      ).status,
    ).toBe(403);
  });

  it('shows mobile numbers and e-mail addresses to administrators only', async () => {
    const asAdmin = await json<{ contacts: { mobile: string | null; email: string | null }[] }>(
      await client(server, admin.token).get('/api/contacts'),
    );
    expect(asAdmin.contacts[0]).toMatchObject({ mobile: '13800000001', email: 'zhang@example.cn' });
    for (const who of [bureau, readonly, beiyuan]) {
      const res = await json<{
        contacts: { mobile: string | null; email: string | null; name_zh: string }[];
      }>(await client(server, who.token).get('/api/contacts'));
      expect(res.contacts[0]).toMatchObject({ name_zh: '张三', mobile: null, email: null });
    }
  });

  it('keeps user administration for administrators', async () => {
    expect(
      (await client(server, bureau.token).send('POST', '/api/users', { username: 'x1', role: 'readonly' }))
        .status,
    ).toBe(403);
    const res = await client(server, admin.token).send('POST', '/api/users', {
      username: 'new-street',
      role: 'area',
      areaId: 'yongshun',
    });
    expect(res.status).toBe(201);
    const body = await json<{ user: { role: string; area_id: string }; generatedPassword: string }>(res);
    expect(body.user).toMatchObject({ role: 'area', area_id: 'yongshun' });
    expect(body.generatedPassword).toHaveLength(20);
    const dup = await client(server, admin.token).send('POST', '/api/users', {
      username: 'new-street',
      role: 'readonly',
    });
    expect(dup.status).toBe(409);
    const bad = await client(server, admin.token).send('POST', '/api/users', {
      username: 'no-area',
      role: 'area',
    });
    expect(bad.status).toBe(400);
    const { rows } = await server.db.pool.query(
      `SELECT action, after->>'role' AS role FROM audit_log WHERE action = 'user.create' AND actor = $1`,
      [admin.username],
    );
    expect(rows).toEqual([{ action: 'user.create', role: 'area' }]);
  });

  it("sets an existing bureau account's districts through the admin API, validated and audited", async () => {
    const pool = server.db.pool;
    const b = await createUser(pool, 'bureau');
    const patch = (who: TestUser, id: number, body: unknown) =>
      client(server, who.token).send('PATCH', `/api/users/${id}`, body);
    // Unscoped, it reads a Tongzhou street.
    expect((await client(server, b.token).get('/api/areas/zhongcang/summary?year=2024')).status).toBe(200);

    expect((await patch(bureau, b.id, { districtIds: ['bda'] })).status).toBe(403);
    const unknown = await patch(admin, b.id, { districtIds: ['mars'] });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('unknown district: mars');
    const notBureau = await patch(admin, readonly.id, { districtIds: ['bda'] });
    expect(notBureau.status).toBe(400);
    expect(await notBureau.text()).toContain('only bureau accounts are scoped to districts');

    const ok = await patch(admin, b.id, { districtIds: ['bda', 'bda'] });
    expect(ok.status).toBe(200);
    expect(await json(ok)).toMatchObject({ district_ids: ['bda'] });
    // The next request already reads with the new scope.
    expect((await client(server, b.token).get('/api/areas/zhongcang/summary?year=2024')).status).toBe(403);
    const { rows } = await pool.query(
      `SELECT before->'districtIds' AS before, after->'districtIds' AS after FROM audit_log
        WHERE action = 'user.update' AND entity_id = $1 AND actor = $2`,
      [String(b.id), admin.username],
    );
    expect(rows).toEqual([{ before: [], after: ['bda'] }]);

    // Moved to readonly, it loses the scope instead of tripping the table's CHECK.
    const moved = await patch(admin, b.id, { role: 'readonly' });
    expect(moved.status).toBe(200);
    expect(await json(moved)).toMatchObject({ role: 'readonly', district_ids: [] });
  });
});
