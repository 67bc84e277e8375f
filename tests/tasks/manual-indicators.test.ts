/**
 * Manual-entry indicators (issue 16 item 4): the unit that answers for a number no sensor measures reports it
 * through the API; the value is stored with its audit row and queued for evaluation in one transaction, and the
 * ordinary target engine turns it into a verdict (reported_value) and, on a breach, a sync-alert message —
 * like any measured target. Another unit's indicator is 403; an implausible value is refused with its range.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlanFiles } from '../../services/targets/load-targets.js';
import { evaluatePending } from '../../services/targets/evaluate-pending.js';
import { upsertPlanFile } from '../../services/targets/target-queries.js';
import { seedRealReference } from '../targets/fixtures.js';
import { createUser } from '../api/factories.js';
import { client, json, useApiServer, type Client } from '../api/harness.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const server = useApiServer();
let water: Client;
let agriculture: Client;
let beiyuan: Client;
let bureau: Client;

interface Listed {
  unit_id: string | null;
  indicators: {
    target_id: string;
    scope_id: string;
    unit_id: string;
    status: string | null;
    reported: { month: string; prefilled: boolean; value: number } | null;
  }[];
}

const put = (c: Client, target: string, unit: string, month: string, body: unknown) =>
  c.send('PUT', `/api/tasks/indicators/${target}/${unit}/${month}`, body);

async function verdict(target: string, scope: string, period: string) {
  const { rows } = await server.db.pool.query<{ status: string; explanation_zh: string }>(
    `SELECT c.status, e.explanation_zh FROM evaluation_current c JOIN evaluation e ON e.id = c.evaluation_id
      WHERE c.target_id = $1 AND c.scope_id = $2 AND c.period_key = $3`,
    [target, scope, period],
  );
  return rows[0] ?? null;
}

beforeAll(async () => {
  const pool = server.db.pool;
  await seedRealReference(pool);
  for (const p of await loadPlanFiles(path.join(ROOT, 'config/targets'))) await upsertPlanFile(pool, p);
  water = client(server, (await createUser(pool, 'unit', { unitId: 'water_bureau' })).token);
  agriculture = client(server, (await createUser(pool, 'unit', { unitId: 'agriculture' })).token);
  beiyuan = client(server, (await createUser(pool, 'unit', { unitId: 'gov_beiyuan' })).token);
  bureau = client(server, (await createUser(pool, 'bureau')).token);
});

describe('manual-entry indicators', () => {
  it('lists to a unit exactly the indicators it reports', async () => {
    const body = await json<Listed>(await water.get('/api/tasks/indicators?month=2024-05'));
    expect(body.unit_id).toBe('water_bureau');
    expect(body.indicators.map((i) => `${i.target_id}/${i.scope_id}`)).toEqual([
      'TZ24-OPS-02/tongzhou',
      'TZ24-OPS-03/tongzhou',
    ]);
    const town = await json<Listed>(await beiyuan.get('/api/tasks/indicators?month=2021-03'));
    expect(town.indicators.map((i) => `${i.target_id}/${i.scope_id}`)).toEqual(['TZ21-DUST-01/beiyuan']);
  });

  it('stores a breach with its audit row, and the engine turns it into a breached verdict and an alert message', async () => {
    const res = await put(water, 'TZ24-OPS-02', 'water_bureau', '2024-05', {
      value: 30,
      note: '5月23日降雨后萧太后河漂浮物30小时清理完毕',
    });
    expect(res.status).toBe(200);
    const pool = server.db.pool;
    const stored = await pool.query(
      `SELECT metric_id, scope_id, month::text, value, unit_id, reported_via FROM manual_indicator_value`,
    );
    expect(stored.rows).toEqual([
      {
        metric_id: 'post_rain_cleanup_max_hours',
        scope_id: 'tongzhou',
        month: '2024-05-01',
        value: 30,
        unit_id: 'water_bureau',
        reported_via: 'api',
      },
    ]);
    const audit = await pool.query(
      `SELECT action FROM audit_log WHERE entity_type = 'manual_indicator_value'`,
    );
    expect(audit.rows).toEqual([{ action: 'indicator_value.report' }]);
    const queued = await pool.query(`SELECT scope_id, metric_id, day::text FROM evaluation_queue`);
    expect(queued.rows).toEqual([
      { scope_id: 'tongzhou', metric_id: 'post_rain_cleanup_max_hours', day: '2024-05-01' },
    ]);

    await evaluatePending(pool, { clock: server.clock });
    const v = await verdict('TZ24-OPS-02', 'tongzhou', '2024-05');
    expect(v?.status).toBe('breached');
    expect(v?.explanation_zh).toContain('30.0小时，要求不高于24.0小时');
    const outbox = await pool.query(`SELECT count(*)::int AS n FROM outbox WHERE job_name = 'sync-alert'`);
    expect(outbox.rows[0].n).toBeGreaterThanOrEqual(1);

    const listed = await json<Listed>(await water.get('/api/tasks/indicators?month=2024-05'));
    expect(listed.indicators[0]).toMatchObject({
      status: 'breached',
      reported: { month: '2024-05', prefilled: false, value: 30 },
    });
    const june = await json<Listed>(await water.get('/api/tasks/indicators?month=2024-06'));
    expect(june.indicators[0]!.reported).toMatchObject({ month: '2024-05', prefilled: true });
  });

  it('judges a year by its worst month, with the at-risk band of 达到95%以上且依法处罚 (TZ24-SOIL-01)', async () => {
    const planning = client(server, (await createUser(server.db.pool, 'unit', { unitId: 'planning' })).token);
    expect((await put(planning, 'TZ24-SOIL-01', 'planning', '2024-02', { value: 100 })).status).toBe(200);
    expect((await put(planning, 'TZ24-SOIL-01', 'planning', '2024-04', { value: 97.5 })).status).toBe(200);
    await evaluatePending(server.db.pool, { clock: server.clock });
    const v = await verdict('TZ24-SOIL-01', 'tongzhou', '2024');
    expect(v?.status).toBe('at_risk');
    expect(v?.explanation_zh).toContain('最差为4月97.5%');
    expect((await put(agriculture, 'TZ24-SOIL-02', 'agriculture', '2024-03', { value: 100 })).status).toBe(
      200,
    );
    await evaluatePending(server.db.pool, { clock: server.clock });
    expect((await verdict('TZ24-SOIL-02', 'tongzhou', '2024'))?.status).toBe('met');
  });

  it('lets a street/town report its own monthly inspection rate (each_area scope)', async () => {
    expect((await put(beiyuan, 'TZ21-DUST-01', 'gov_beiyuan', '2021-03', { value: 100 })).status).toBe(200);
    await evaluatePending(server.db.pool, { clock: server.clock });
    expect((await verdict('TZ21-DUST-01', 'beiyuan', '2021-03'))?.status).toBe('met');
    expect(await verdict('TZ21-DUST-01', 'zhongcang', '2021-03')).toBeNull();
  });

  it('has the 2020 soil safe-use rates and the 2024 farming rates as indicators of their units, with their floors', async () => {
    const listed = async (unit: Client, month: string) =>
      (
        await json<{ indicators: (Listed['indicators'][number] & { min: number | null; source: string })[] }>(
          await unit.get(`/api/tasks/indicators?month=${month}`),
        )
      ).indicators.map((i) => `${i.target_id} ≥${i.min} ${i.source}`);
    expect(await listed(agriculture, '2024-05')).toEqual([
      'TZ24-SOIL-02 ≥100 002:4194-4204',
      'TZ24-SOIL-03 ≥98 002:4253-4265',
      'TZ24-SOIL-04 ≥43 002:4253-4265',
      'TZ24-SOIL-05 ≥45 002:4253-4265',
      'TZ24-SOIL-06 ≥92 002:4253-4265',
      'TZ24-SOIL-07 ≥98.5 002:4277-4283',
      'TZ24-SOIL-08 ≥95 002:4277-4283',
    ]);
    expect(await listed(agriculture, '2020-05')).toEqual([
      'TZ20-SOIL-02 ≥90 000:4320-4321, 000:4601-4605',
      'TZ20-SOIL-03 ≥40 000:4332-4339',
      'TZ20-SOIL-04 ≥45 000:4332-4339',
      'TZ20-SOIL-05 ≥80 000:4332-4339',
      'TZ20-WAT-02 ≥90 000:3701-3708',
    ]);
    const eeb = client(server, (await createUser(server.db.pool, 'unit', { unitId: 'eeb' })).token);
    expect((await listed(eeb, '2020-05')).filter((l) => l.startsWith('TZ20'))).toEqual([
      'TZ20-SOIL-01 ≥90 000:4320-4321, 000:4593-4600',
    ]);
    // 42.8 % is below the 2024 floor of 43 %: breached like any measured target; 98.5 % keeps the straw floor.
    expect((await put(agriculture, 'TZ24-SOIL-04', 'agriculture', '2024-04', { value: 42.8 })).status).toBe(
      200,
    );
    expect((await put(agriculture, 'TZ24-SOIL-07', 'agriculture', '2024-04', { value: 98.5 })).status).toBe(
      200,
    );
    expect((await put(eeb, 'TZ20-SOIL-01', 'eeb', '2020-11', { value: 92 })).status).toBe(200);
    await evaluatePending(server.db.pool, { clock: server.clock });
    expect((await verdict('TZ24-SOIL-04', 'tongzhou', '2024'))?.status).toBe('breached');
    expect((await verdict('TZ24-SOIL-07', 'tongzhou', '2024'))?.status).toBe('met');
    expect((await verdict('TZ20-SOIL-01', 'tongzhou', '2020'))?.status).toBe('met');
  });

  it('has the livestock-manure figures of the 碧水 sections (2020 (二十二), 2021 row 22) as the agriculture bureau’s', async () => {
    const listed = async (month: string) =>
      (
        await json<{ indicators: (Listed['indicators'][number] & { min: number | null; source: string })[] }>(
          await agriculture.get(`/api/tasks/indicators?month=${month}`),
        )
      ).indicators
        .filter((i) => i.target_id.includes('-WAT-'))
        .map((i) => `${i.target_id} ≥${i.min} ${i.source}`);
    expect(await listed('2021-05')).toEqual([
      'TZ21-WAT-05 ≥100 001:835',
      'TZ21-WAT-06 ≥100 001:835',
      'TZ21-WAT-07 ≥90 001:835',
      'TZ21-WAT-08 ≥75 001:835',
    ]);
    // 不低于75% keeps 75.0; 还田利用率 89.9 % is below 90 %.
    expect((await put(agriculture, 'TZ21-WAT-08', 'agriculture', '2021-06', { value: 75 })).status).toBe(200);
    expect((await put(agriculture, 'TZ21-WAT-07', 'agriculture', '2021-06', { value: 89.9 })).status).toBe(
      200,
    );
    await evaluatePending(server.db.pool, { clock: server.clock });
    expect((await verdict('TZ21-WAT-08', 'tongzhou', '2021'))?.status).toBe('met');
    expect((await verdict('TZ21-WAT-07', 'tongzhou', '2021'))?.status).toBe('breached');
  });

  it('refuses another unit’s indicator (403), an implausible rate and a future month (400)', async () => {
    expect((await put(water, 'TZ24-SOIL-02', 'water_bureau', '2024-05', { value: 100 })).status).toBe(403);
    expect((await put(water, 'TZ24-SOIL-02', 'agriculture', '2024-05', { value: 100 })).status).toBe(403);
    const bad = await put(agriculture, 'TZ24-SOIL-02', 'agriculture', '2024-05', { value: 120 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await json(bad))).toContain('outside 0..100 %');
    expect((await put(agriculture, 'TZ24-SOIL-02', 'agriculture', '2024-07', { value: 100 })).status).toBe(
      400,
    );
    expect((await put(bureau, 'TZ24-AIR-01', 'eeb', '2024-05', { value: 30 })).status).toBe(404);
    // A bureau keys in a paper return for the responsible unit.
    expect((await put(bureau, 'TZ24-OPS-03', 'water_bureau', '2024-05', { value: 0 })).status).toBe(200);
  });
});
