/**
 * The acknowledgement link over real HTTP (Fastify on 127.0.0.1:0): GET shows the alert and never
 * acknowledges (link scanners fetch every link); POST acknowledges with a comment; the token is signed and
 * expires; already-acknowledged and resolved alerts are answered, not acknowledged again.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { createAckToken, createShortAckToken } from '../../services/alerts/ack-token.js';
import { registerAlertAckRoutes } from '../../services/web/ack-routes.js';
import { alertSettings } from '../../services/alerts/alert-settings.js';
import { syncTargetAlert } from '../../services/alerts/sync-target-alert.js';
import { HOUR, ManualClock, shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertTarget, recordTestEvaluation, seedDirectory } from './fixtures.js';

const db = useTestDatabase();
const config = loadConfig({ APP_SECRET: 'a-test-secret-that-is-at-least-32-characters' });
const clock = new ManualClock(shanghaiInstant('2024-09-02', 10, 0));
let app: FastifyInstance;
let base: string;
const alerts: Record<string, number> = {};

async function openAlert(targetId: string, scopeId: string): Promise<number> {
  const r = await recordTestEvaluation(db.pool, {
    targetId,
    scopeId,
    periodKey: '2024',
    status: 'breached',
    asOf: '2024-09-01',
  });
  const s = await syncTargetAlert(db.pool, r.evaluationId!, {
    now: clock.now(),
    settings: alertSettings(config),
    smsEnabled: false,
  });
  return s.alertId!;
}

const token = (alertId: number, contactId = 'gov_beiyuan.liaison', ttl = 24 * HOUR) =>
  createAckToken(config.APP_SECRET, { alertId, contactId, expiresAt: clock.now().getTime() + ttl });
const post = (t: string, comment: string) =>
  fetch(`${base}/ack/${t}`, {
    method: 'POST',
    body: new URLSearchParams({ comment }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

beforeAll(async () => {
  await seedDirectory(db.pool);
  for (const id of ['T-ACK-01', 'T-ACK-02', 'T-ACK-03', 'T-ACK-04'])
    await insertTarget(db.pool, { id, assist_units: [], lead_officials: [] });
  alerts.a = await openAlert('T-ACK-01', 'beiyuan');
  alerts.b = await openAlert('T-ACK-02', 'beiyuan');
  alerts.c = await openAlert('T-ACK-03', 'beiyuan');
  alerts.d = await openAlert('T-ACK-04', 'beiyuan');
  app = Fastify();
  await registerAlertAckRoutes(app, { db: db.pool, clock, config });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app?.close();
});

describe('GET /ack/:token', () => {
  it('shows the alert with a form, in Chinese, uncached, and acknowledges nothing', async () => {
    const res = await fetch(`${base}/ack/${token(alerts.a!)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    // Issue #20: the page an e-mailed link opens runs no script and loads nothing from elsewhere.
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).toContain('【未达标】北苑街道');
    expect(html).toContain('<form method="post"');
    const { rows } = await db.pool.query(`SELECT state FROM alert WHERE id = $1`, [alerts.a]);
    expect(rows[0]).toEqual({ state: 'firing' });
  });

  it('answers in English for an en contact', async () => {
    const html = await (await fetch(`${base}/ack/${token(alerts.a!, 'eeb.liaison')}`)).text();
    expect(html).toContain('Acknowledge');
    expect(html).toContain('[breached]');
  });

  it('refuses a forged token (403) and an expired one (410)', async () => {
    const good = token(alerts.a!);
    const forged = `${good.split('.')[0]}.${Buffer.from('not the signature').toString('base64url')}`;
    expect((await fetch(`${base}/ack/${forged}`)).status).toBe(403);
    const other = createAckToken('another-secret-that-is-also-32-characters!', {
      alertId: alerts.a!,
      contactId: 'x',
      expiresAt: clock.now().getTime() + HOUR,
    });
    expect((await post(other, '')).status).toBe(403);
    const soon = token(alerts.a!, 'gov_beiyuan.liaison', 1 * HOUR);
    clock.advance(2 * HOUR);
    const expired = await fetch(`${base}/ack/${soon}`);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('已过期');
  });

  it('says so for an alert that does not exist (404)', async () => {
    expect((await fetch(`${base}/ack/${token(987_654)}`)).status).toBe(404);
  });
});

describe('POST /ack/:token', () => {
  it('acknowledges as the contact the e-mail went to, with the comment', async () => {
    const res = await post(token(alerts.a!), '已组织街道开展道路冲洗');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('已确认收到');
    const { rows } = await db.pool.query(
      `SELECT state, acknowledged_by, ack_comment, acknowledged_at FROM alert WHERE id = $1`,
      [alerts.a],
    );
    expect(rows[0]).toEqual({
      state: 'acknowledged',
      acknowledged_by: 'contact:gov_beiyuan.liaison',
      ack_comment: '已组织街道开展道路冲洗',
      acknowledged_at: clock.now(),
    });
  });

  it('answers a second acknowledgement without changing who acknowledged', async () => {
    const res = await post(token(alerts.a!, 'eeb.duty'), '');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('此前已被确认');
    const { rows } = await db.pool.query(`SELECT acknowledged_by FROM alert WHERE id = $1`, [alerts.a]);
    expect(rows[0]).toEqual({ acknowledged_by: 'contact:gov_beiyuan.liaison' });
  });

  it('records no comment through the link once acknowledged, and says so', async () => {
    const before = await db.pool.query(`SELECT count(*)::int AS n FROM alert_event WHERE alert_id = $1`, [
      alerts.a,
    ]);
    const res = await post(token(alerts.a!, 'eeb.duty'), '再来一条说明');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('本次填写的说明未记录');
    const after = await db.pool.query(`SELECT count(*)::int AS n FROM alert_event WHERE alert_id = $1`, [
      alerts.a,
    ]);
    expect(after.rows[0]).toEqual(before.rows[0]);
  });

  it('refuses to acknowledge a resolved alert (409)', async () => {
    await db.pool.query(`UPDATE alert SET state = 'resolved', resolved_at = now() WHERE id = $1`, [alerts.b]);
    const res = await post(token(alerts.b!), '');
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('无需确认');
  });

  it('accepts a JSON body too', async () => {
    const res = await fetch(`${base}/ack/${token(alerts.c!)}`, {
      method: 'POST',
      body: JSON.stringify({ comment: 'via JSON' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    const { rows } = await db.pool.query(`SELECT ack_comment FROM alert WHERE id = $1`, [alerts.c]);
    expect(rows[0]).toEqual({ ack_comment: 'via JSON' });
  });
});

describe('the SMS link /a/:token (a short token naming the delivery)', () => {
  const deliveryOf = async (alertId: number) =>
    (
      await db.pool.query<{ id: number; recipient_id: string }>(
        `SELECT id, recipient_id FROM delivery WHERE alert_id = $1 ORDER BY id LIMIT 1`,
        [alertId],
      )
    ).rows[0]!;

  it('is short: 12 characters for a delivery id below 2^24', () => {
    expect(createShortAckToken(config.APP_SECRET, 1_234_567)).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });

  it('GET shows the alert with a form posting back to /a/, and acknowledges nothing', async () => {
    const d = await deliveryOf(alerts.d!);
    const t = createShortAckToken(config.APP_SECRET, d.id);
    const res = await fetch(`${base}/a/${t}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`action="/a/${t}"`);
    expect(html).toContain('name="viewport"'); // a page made for a phone
    const { rows } = await db.pool.query(`SELECT state FROM alert WHERE id = $1`, [alerts.d]);
    expect(rows[0]).toEqual({ state: 'firing' });
  });

  it('POST acknowledges as the contact the SMS went to', async () => {
    const d = await deliveryOf(alerts.d!);
    const res = await fetch(`${base}/a/${createShortAckToken(config.APP_SECRET, d.id)}`, {
      method: 'POST',
      body: new URLSearchParams({ comment: '收到，已处置' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
    const { rows } = await db.pool.query(
      `SELECT state, acknowledged_by, ack_comment FROM alert WHERE id = $1`,
      [alerts.d],
    );
    expect(rows[0]).toEqual({
      state: 'acknowledged',
      acknowledged_by: `contact:${d.recipient_id}`,
      ack_comment: '收到，已处置',
    });
  });

  it('refuses a forged token (403), an unknown delivery (404) and an expired one (410)', async () => {
    const d = await deliveryOf(alerts.d!);
    const good = createShortAckToken(config.APP_SECRET, d.id);
    const forged = `${good.slice(0, -2)}${good.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await fetch(`${base}/a/${forged}`)).status).toBe(403);
    expect(
      (await fetch(`${base}/a/${createShortAckToken('another-secret-of-at-least-32-chars!!', d.id)}`)).status,
    ).toBe(403);
    expect((await fetch(`${base}/a/${createShortAckToken(config.APP_SECRET, 999_999)}`)).status).toBe(404);
    clock.advance((config.ALERT_ACK_TOKEN_TTL_HOURS + 1) * HOUR);
    try {
      expect((await fetch(`${base}/a/${good}`)).status).toBe(410);
    } finally {
      clock.advance(-(config.ALERT_ACK_TOKEN_TTL_HOURS + 1) * HOUR);
    }
  });
});
