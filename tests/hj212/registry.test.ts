/**
 * The station and device registry (issue 18 item 2): `envwatch site add` / `device add` from the CLI, then a
 * packet from that device → rows through the API; the admin API with its audit; registered sites surviving
 * `envwatch seed`; bad input refused with what was wrong.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FRAMING } from '../../services/ingest/hj212/framing.js';
import { startHj212Receiver, type RunningReceiver } from '../../services/ingest/hj212/receiver.js';
import { createLogger } from '../../services/logging.js';
import { client, json, useApiServer } from '../api/harness.js';
import { createUser, TEST_PASSWORD, type TestUser } from '../api/factories.js';
import { DeviceClient } from '../helpers/hj212-client.js';
import { seedRealReference } from '../ingest/fixtures.js';
import { upload } from '../../services/ingest/hj212/upload-packet.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const server = useApiServer();
const MN = 'REG00000000000000000000001';
let receiver: RunningReceiver;
let admin: TestUser;
let bureau: TestUser;

const envwatch = (...args: string[]) =>
  run(process.execPath, [path.join(ROOT, 'bin/envwatch.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: server.db.url, LOG_LEVEL: 'silent' },
  });

beforeAll(async () => {
  await seedRealReference(server.db.pool);
  admin = await createUser(server.db.pool, 'admin');
  bureau = await createUser(server.db.pool, 'bureau');
  receiver = await startHj212Receiver(
    {
      host: '127.0.0.1',
      port: 0,
      sourceId: 'hj212_devices',
      maxConnections: 10,
      limits: {
        framing: DEFAULT_FRAMING,
        idleMs: 30_000,
        halfPacketMs: 5_000,
        maxRefusals: 5,
        maxPending: 64,
        historyAfterMs: 6 * 3600_000,
        offResolution: 'skip',
      },
      commit: { delayMs: 5, maxRows: 5000, maxInFlight: 2 },
      splitTimeoutMs: 60_000,
    },
    { db: server.db.pool, clock: server.clock, logger: createLogger({ level: 'silent' }) },
  );
});

afterAll(async () => {
  await receiver?.stop();
});

describe('registry', () => {
  it('envwatch site add / device add, then a packet from that device: its rows through the API', async () => {
    const site = await envwatch(
      'site',
      'add',
      '--code',
      'beiyuan-s9',
      '--kind',
      'dust_monitor',
      '--name',
      '北苑扬尘9',
      '--district',
      'tongzhou',
      '--level',
      'micro',
    );
    expect(site.stdout).toContain('added site beiyuan_s9');
    const device = await envwatch(
      'device',
      'add',
      '--mn',
      MN,
      '--site',
      'beiyuan-s9',
      '--password',
      '654321',
      '--protocol',
      '2017',
      '--factor',
      'a34004=pm25:mg/m³',
    );
    expect(device.stdout).toContain(`added device ${MN} → site beiyuan_s9`);
    await receiver.reloadDevices();
    const c = await DeviceClient.connect(receiver.address.port);
    await c.send(
      upload({
        mn: MN,
        pw: '654321',
        cn: '2061',
        flag: 5,
        qn: '20240615100000001',
        dataTime: '20240615090000',
        values: { a34004: { value: '0.042' }, a34002: { value: '61' } },
      }),
    );
    await c.waitForReplies(1);
    c.close();
    await receiver.settle();
    const res = await client(server, bureau.token).get(
      '/api/measurements?series=beiyuan_s9&metric=pm25&from=2024-06-15&to=2024-06-15&bucket=hour',
    );
    expect(res.status).toBe(200);
    const body = await json<{ points: { t: string; value: number }[] }>(res);
    expect(body.points.map((p) => p.value)).toEqual([42]); // 0.042 mg/m³ as registered, stored in µg/m³
    const stats = await json<{ devices: { mn: string; packets: number; rows_written: number }[] }>(
      await client(server, bureau.token).get('/api/hj212/devices'),
    );
    expect(stats.devices.find((d) => d.mn === MN)).toMatchObject({ packets: 1, rows_written: 2 });
    // And on the dashboard's ingest page.
    const login = await fetch(`${server.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: bureau.username, password: TEST_PASSWORD }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const page = await (
      await fetch(`${server.url}/ingest?lang=en`, { headers: { cookie, accept: 'text/html' } })
    ).text();
    expect(page).toContain('HJ 212 devices');
    expect(page).toMatch(new RegExp(`${MN}[\\s\\S]*beiyuan_s9`));
  });

  it('the admin API registers sites and devices, audited; non-admins are refused', async () => {
    const site = {
      code: 'zhangjiawan-w1',
      kind: 'water_section',
      name_zh: '张家湾水质1',
      district_id: 'tongzhou',
      aliases: ['ZJW-1'],
    };
    expect((await client(server, bureau.token).send('POST', '/api/registry/sites', site)).status).toBe(403);
    const res = await client(server, admin.token).send('POST', '/api/registry/sites', site);
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({ id: 'zhangjiawan_w1', aliases: ['zhangjiawan-w1', 'ZJW-1'] });
    const bad = await client(server, admin.token).send('POST', '/api/registry/devices', {
      mn: 'W1',
      site: 'ZJW-1',
      password: '1',
      protocol_version: '2017',
      factors: { w21003: { metric: 'ammonia', unit: 'mg/L' } },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await json(bad))).toContain('unknown metric ammonia');
    const ok = await client(server, admin.token).send('POST', '/api/registry/devices', {
      mn: 'W1',
      site: 'ZJW-1',
      password: '1',
      protocol_version: '2025',
      sm4_key: '0000000000000000',
    });
    expect(ok.status).toBe(201);
    const device = await json(ok);
    expect(device).toMatchObject({ mn: 'W1', site_id: 'zhangjiawan_w1', sm4_key_set: true });
    expect(device).not.toHaveProperty('password');
    const { rows } = await server.db.pool.query(
      `SELECT actor, action, entity_id, after FROM audit_log WHERE action LIKE 'device.%' OR action LIKE 'site.%' ORDER BY id`,
    );
    expect(rows.map((r) => [r.actor, r.action, r.entity_id])).toContainEqual([
      admin.username,
      'device.add',
      'W1',
    ]);
    expect(JSON.stringify(rows)).not.toContain('"password"');
  });

  it('registered sites and their codes survive envwatch seed', async () => {
    await seedRealReference(server.db.pool);
    const { rows } = await server.db.pool.query(
      `SELECT alias, site_id FROM site_alias WHERE site_id IN ('beiyuan_s9', 'zhangjiawan_w1') ORDER BY alias`,
    );
    expect(rows).toEqual([
      { alias: 'ZJW-1', site_id: 'zhangjiawan_w1' },
      { alias: 'beiyuan-s9', site_id: 'beiyuan_s9' },
      { alias: 'zhangjiawan-w1', site_id: 'zhangjiawan_w1' },
    ]);
  });
});
