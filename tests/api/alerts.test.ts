import { beforeAll, describe, expect, it } from 'vitest';
import { client, json, useApiServer } from './harness.js';
import {
  createUser,
  seedAlert,
  seedDistricts,
  seedEvaluation,
  seedTargets,
  type TestUser,
} from './factories.js';

const server = useApiServer();
let bureau: TestUser;
let area: TestUser;
let admin: TestUser;
let firing: number;
let resolved: number;
let warning: number;

beforeAll(async () => {
  const pool = server.db.pool;
  await seedDistricts(pool);
  bureau = await createUser(pool, 'bureau');
  admin = await createUser(pool, 'admin');
  area = await createUser(pool, 'area', { areaId: 'beiyuan' });
  firing = await seedAlert(pool, { scopeId: 'beiyuan' });
  resolved = await seedAlert(pool, { scopeId: 'zhongcang', state: 'resolved' });
  warning = await seedAlert(pool, { scopeId: 'zhongcang', severity: 'warning' });
  await pool.query(
    `INSERT INTO contact (id, name_zh, role, email, mobile, year_from, is_district_leadership) VALUES ('lead1', '李四', '分管副区长', 'li@example.cn', '13900000002', 2024, true)`,
  );
  await pool.query(
    `INSERT INTO delivery (alert_id, recipient_id, recipient_role, channel, address, locale, step, idempotency_key, status)
     VALUES ($1, 'lead1', 'leadership', 'sms', '13900000002', 'zh-CN', 'open:1', 'k1', 'sent')`,
    [firing],
  );
});

describe('alerts', () => {
  it('lists alerts filtered by state, severity and area', async () => {
    const c = client(server, bureau.token);
    const open = await json<{ alerts: { id: number }[] }>(
      await c.get('/api/alerts?state=firing,acknowledged'),
    );
    expect(open.alerts.map((a) => a.id).sort()).toEqual([firing, warning].sort());
    const warnings = await json<{ alerts: { id: number }[] }>(await c.get('/api/alerts?severity=warning'));
    expect(warnings.alerts.map((a) => a.id)).toEqual([warning]);
    const zc = await json<{ alerts: { id: number; area_id: string }[] }>(
      await c.get('/api/alerts?area=zhongcang'),
    );
    expect(zc.alerts.map((a) => a.id).sort()).toEqual([resolved, warning].sort());
    expect((await c.get('/api/alerts?state=bogus')).status).toBe(400);
  });

  it('acknowledges a firing alert once, stops its escalation, and audits before/after', async () => {
    const res = await client(server, area.token).send('POST', `/api/alerts/${firing}/acknowledge`, {
      comment: '已安排洒水降尘',
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      id: firing,
      state: 'acknowledged',
      acknowledged_by: `user:${area.username}`,
      ack_comment: '已安排洒水降尘',
    });
    const { rows } = await server.db.pool.query(`SELECT next_escalation_at FROM alert WHERE id = $1`, [
      firing,
    ]);
    expect(rows[0]).toEqual({ next_escalation_at: null });
    const again = await client(server, area.token).send('POST', `/api/alerts/${firing}/acknowledge`, {});
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ error: { code: 'CONFLICT' } });
    const audit = await server.db.pool.query(
      `SELECT actor, via, before->>'state' AS before, after->>'state' AS after FROM audit_log WHERE action = 'alert.acknowledge' AND entity_id = $1`,
      [String(firing)],
    );
    expect(audit.rows).toEqual([
      { actor: area.username, via: 'token', before: 'firing', after: 'acknowledged' },
    ]);
  });

  it('refuses to acknowledge a resolved alert', async () => {
    expect(
      (await client(server, bureau.token).send('POST', `/api/alerts/${resolved}/acknowledge`, {})).status,
    ).toBe(409);
  });

  it('closes a resolved alert once, audited, and refuses to close a firing one', async () => {
    const done = await seedAlert(server.db.pool, { scopeId: 'zhongcang', state: 'resolved' });
    const res = await client(server, bureau.token).send('POST', `/api/alerts/${done}/close`, {
      comment: '已整改完毕',
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ state: 'closed' });
    const { rows } = await server.db.pool.query(
      `SELECT actor, after->>'state' AS after FROM audit_log WHERE action = 'alert.close' AND entity_id = $1`,
      [String(done)],
    );
    expect(rows).toEqual([{ actor: bureau.username, after: 'closed' }]);
    expect((await client(server, bureau.token).send('POST', `/api/alerts/${firing}/close`, {})).status).toBe(
      409,
    );
  });

  it("shows a target alert's evaluation history, oldest first", async () => {
    const pool = server.db.pool;
    await seedTargets(pool, 2024);
    const key = { targetId: 'TZ24-AIR-05', scopeId: 'beiyuan', periodKey: '2024' };
    await seedEvaluation(pool, { ...key, status: 'at_risk', value: 36.2 });
    await seedEvaluation(pool, { ...key, status: 'breached', value: 38.9 });
    const id = await seedAlert(pool, { scopeId: 'beiyuan', targetId: 'TZ24-AIR-05' });
    const detail = await json<{ evaluations: { status: string; value: number }[] }>(
      await client(server, bureau.token).get(`/api/alerts/${id}`),
    );
    expect(detail.evaluations.map((e) => [e.status, e.value])).toEqual([
      ['at_risk', 36.2],
      ['breached', 38.9],
    ]);
  });

  it('adds comments, shown with the events of the alert', async () => {
    const res = await client(server, bureau.token).send('POST', `/api/alerts/${warning}/comments`, {
      text: '请街道核实',
    });
    expect(res.status).toBe(201);
    const detail = await json<{ events: { kind: string; actor: string; detail: { text?: string } }[] }>(
      await client(server, bureau.token).get(`/api/alerts/${warning}`),
    );
    expect(detail.events).toEqual([
      expect.objectContaining({
        kind: 'comment',
        actor: `user:${bureau.username}`,
        detail: { text: '请街道核实' },
      }),
    ]);
    expect(
      (await client(server, bureau.token).send('POST', `/api/alerts/${warning}/comments`, { text: '' }))
        .status,
    ).toBe(400);
  });

  it('lists deliveries with the recipient mobile number for administrators only', async () => {
    const asAdmin = await json<{ deliveries: { recipient_mobile: string | null; recipient_name: string }[] }>(
      await client(server, admin.token).get(`/api/deliveries?alert=${firing}`),
    );
    expect(asAdmin.deliveries).toEqual([
      expect.objectContaining({ recipient_name: '李四', recipient_mobile: '13900000002' }),
    ]);
    expect(asAdmin.deliveries[0]).toMatchObject({ address: '13900000002' });
    const asBureau = await json<{
      deliveries: { recipient_mobile: string | null; recipient_email: string | null }[];
    }>(await client(server, bureau.token).get(`/api/deliveries?alert=${firing}`));
    expect(asBureau.deliveries).toEqual([
      expect.objectContaining({
        recipient_mobile: null,
        recipient_email: null,
        address: null,
        status: 'sent',
      }),
    ]);
    const inDetail = await json<{ deliveries: { recipient_mobile: string | null }[] }>(
      await client(server, area.token).get(`/api/alerts/${firing}`),
    );
    expect(inDetail.deliveries[0]!.recipient_mobile).toBeNull();
  });

  it('answers 404 for an unknown alert', async () => {
    expect((await client(server, bureau.token).get('/api/alerts/999999')).status).toBe(404);
    expect(
      (await client(server, bureau.token).send('POST', '/api/alerts/999999/acknowledge', {})).status,
    ).toBe(404);
  });
});
