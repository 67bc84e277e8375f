/**
 * Monthly task progress through the API (issue 16): a unit account sees and reports only its own unit's
 * tasks (another unit's → 403, the rest of the API → 403), starts from last month's report, and every
 * change is stored with its audit row. Bureaus report for any unit; readonly accounts cannot write.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceSet } from '../../services/reference/load-reference.js';
import { loadPlanFiles } from '../../services/targets/load-targets.js';
import { upsertPlanFile } from '../../services/targets/target-queries.js';
import { seedTasks } from '../../services/tasks/seed-tasks.js';
import { seedRealReference } from '../targets/fixtures.js';
import { createUser, type TestUser } from './factories.js';
import { client, json, useApiServer, type Client } from './harness.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const server = useApiServer();
let water: Client;
let beiyuanUnit: Client;
let bureau: Client;
let readonly: Client;
let waterUser: TestUser;

interface TaskList {
  month: string;
  unit_id: string | null;
  tasks: {
    id: string;
    role: string | null;
    progress: { month: string; prefilled: boolean; status: string } | null;
  }[];
}

beforeAll(async () => {
  const pool = server.db.pool;
  await seedRealReference(pool);
  const plans = await loadPlanFiles(path.join(ROOT, 'config/targets'));
  for (const p of plans) await upsertPlanFile(pool, p);
  const reference = await loadReferenceSet(path.join(ROOT, 'config/reference'));
  await seedTasks(pool, path.join(ROOT, 'config/tasks'), reference, plans);
  waterUser = await createUser(pool, 'unit', { unitId: 'water_bureau' });
  water = client(server, waterUser.token);
  beiyuanUnit = client(server, (await createUser(pool, 'unit', { unitId: 'gov_beiyuan' })).token);
  bureau = client(server, (await createUser(pool, 'bureau')).token);
  readonly = client(server, (await createUser(pool, 'readonly')).token);
});

const put = (c: Client, task: string, unit: string, month: string, body: unknown) =>
  c.send('PUT', `/api/tasks/${task}/progress/${unit}/${month}`, body);

describe('a unit account', () => {
  it('lists exactly the tasks its unit answers for, in the plan’s order, with its role on each', async () => {
    const res = await water.get('/api/tasks?plan=tongzhou-2024');
    expect(res.status).toBe(200);
    const body = await json<TaskList>(res);
    const { rows } = await server.db.pool.query<{ task_id: string }>(
      `SELECT r.task_id FROM task_reporting_unit r JOIN task t ON t.id = r.task_id
        WHERE r.unit_id = 'water_bureau' AND t.plan_id = 'tongzhou-2024' ORDER BY t.plan_ord`,
    );
    expect(body.unit_id).toBe('water_bureau');
    expect(body.tasks.map((t) => t.id)).toEqual(rows.map((r) => r.task_id));
    expect(body.tasks.length).toBeGreaterThan(10);
    expect(body.tasks.find((t) => t.id === 'TZ24-WAT-001')?.role).toBe('assist');
    expect(body.tasks.some((t) => t.id === 'TZ24-AIR-071')).toBe(false);
  });

  it('gets 403 for another unit’s task, for reporting as another unit, and for the rest of the API', async () => {
    expect((await water.get('/api/tasks/TZ24-AIR-071/progress')).status).toBe(403);
    expect((await put(water, 'TZ24-AIR-071', 'water_bureau', '2024-05', { status: '推进中' })).status).toBe(
      403,
    );
    expect((await put(water, 'TZ24-WAT-001', 'eeb', '2024-05', { status: '推进中' })).status).toBe(403);
    expect((await water.get('/api/alerts')).status).toBe(403);
    expect((await water.get('/api/overview?district=tongzhou')).status).toBe(403);
    const me = await water.get('/api/me');
    expect(await json(me)).toMatchObject({ role: 'unit', unitId: 'water_bureau' });
    const { rows } = await server.db.pool.query(`SELECT 1 FROM task_progress WHERE task_id = 'TZ24-AIR-071'`);
    expect(rows).toEqual([]);
  });

  it('reports its progress; the report and its audit row are stored together', async () => {
    const res = await put(water, 'TZ24-WAT-001', 'water_bureau', '2024-05', {
      status: '推进中',
      note: '完成8个断面5月监测',
      attachment: {
        name: '5月台账.pdf',
        contentType: 'application/pdf',
        base64: Buffer.from('%PDF-1.4').toString('base64'),
      },
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      month: '2024-05',
      prefilled: false,
      status: 'in_progress',
      attachment_size: 8,
    });
    const stored = await server.db.pool.query(
      `SELECT status, note, attachment_name, reported_by, reported_via FROM task_progress
        WHERE task_id = 'TZ24-WAT-001' AND unit_id = 'water_bureau' AND month = '2024-05-01'`,
    );
    expect(stored.rows).toEqual([
      {
        status: 'in_progress',
        note: '完成8个断面5月监测',
        attachment_name: '5月台账.pdf',
        reported_by: waterUser.username,
        reported_via: 'api',
      },
    ]);
    const update = await put(water, 'TZ24-WAT-001', 'water_bureau', '2024-05', {
      status: 'late',
      note: '两个断面未采样',
    });
    expect(update.status).toBe(200);
    const audit = await server.db.pool.query(
      `SELECT action, actor, before->>'status' AS before, after->>'status' AS after, after->>'attachment_name' AS file
         FROM audit_log WHERE entity_type = 'task_progress' AND entity_id = 'TZ24-WAT-001/water_bureau/2024-05' ORDER BY id`,
    );
    expect(audit.rows).toEqual([
      {
        action: 'task_progress.report',
        actor: waterUser.username,
        before: null,
        after: 'in_progress',
        file: '5月台账.pdf',
      },
      {
        action: 'task_progress.update',
        actor: waterUser.username,
        before: 'in_progress',
        after: 'late',
        file: '5月台账.pdf',
      },
    ]);
  });

  it('starts a month from the month before until it reports the month itself', async () => {
    const june = await json<TaskList>(await water.get('/api/tasks?plan=tongzhou-2024&month=2024-06'));
    expect(june.tasks.find((t) => t.id === 'TZ24-WAT-001')?.progress).toMatchObject({
      month: '2024-05',
      prefilled: true,
      status: 'late',
    });
    expect(june.tasks.find((t) => t.id === 'TZ24-WAT-002')?.progress).toBeNull();
    await put(water, 'TZ24-WAT-001', 'water_bureau', '2024-06', { status: '已完成' });
    const after = await json<TaskList>(await water.get('/api/tasks?plan=tongzhou-2024&month=2024-06'));
    expect(after.tasks.find((t) => t.id === 'TZ24-WAT-001')?.progress).toMatchObject({
      month: '2024-06',
      prefilled: false,
      status: 'done',
    });
  });

  it('is told what is wrong with a bad status, a future month or a malformed month', async () => {
    const bad = await put(water, 'TZ24-WAT-001', 'water_bureau', '2024-06', { status: '差不多' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await json(bad))).toContain('未启动 (not_started)');
    const future = await put(water, 'TZ24-WAT-001', 'water_bureau', '2024-07', { status: '推进中' });
    expect(future.status).toBe(400);
    expect(JSON.stringify(await json(future))).toContain('2024-07 has not begun');
    expect((await put(water, 'TZ24-WAT-001', 'water_bureau', '2024-13', { status: '推进中' })).status).toBe(
      400,
    );
  });

  it('of a street/town government answers for 各街道乡镇 tasks as its own', async () => {
    const res = await put(beiyuanUnit, 'TZ24-AIR-002', 'gov_beiyuan', '2024-06', { status: 'in_progress' });
    expect(res.status).toBe(200);
    expect(
      (await put(beiyuanUnit, 'TZ24-AIR-002', 'gov_zhongcang', '2024-06', { status: 'done' })).status,
    ).toBe(403);
  });
});

describe('bureau and readonly accounts', () => {
  it('a bureau sees every responsible unit of a task and reports for any of them', async () => {
    const res = await bureau.get('/api/tasks/TZ24-WAT-001/progress?month=2024-06');
    const body = await json<{ units: { unit_id: string; role: string; progress: unknown }[] }>(res);
    expect(body.units.find((u) => u.unit_id === 'eeb')).toMatchObject({ role: 'main', progress: null });
    expect(body.units.filter((u) => u.unit_id.startsWith('gov_')).length).toBeGreaterThan(5);
    expect((await put(bureau, 'TZ24-WAT-001', 'eeb', '2024-06', { status: '推进中' })).status).toBe(200);
    const notResponsible = await put(bureau, 'TZ24-AIR-071', 'water_bureau', '2024-06', { status: '推进中' });
    expect(notResponsible.status).toBe(400);
  });

  it('a readonly account reads but cannot report', async () => {
    expect((await readonly.get('/api/tasks/TZ24-WAT-001/progress')).status).toBe(200);
    expect((await put(readonly, 'TZ24-WAT-001', 'eeb', '2024-06', { status: '推进中' })).status).toBe(403);
  });
});
