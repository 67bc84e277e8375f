/**
 * The monthly 台账 as XLSX (issue 16): the export is a unit's own rows pre-filled with its latest report; the
 * filled-in file imports row by row — accepted rows become reports (audited, via xlsx), rows without a status
 * are skipped, and every refused row is kept with its reason.
 */
import ExcelJS from 'exceljs';
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
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const server = useApiServer();
let user: TestUser;
let water: Client;

beforeAll(async () => {
  const pool = server.db.pool;
  await seedRealReference(pool);
  const plans = await loadPlanFiles(path.join(ROOT, 'config/targets'));
  for (const p of plans) await upsertPlanFile(pool, p);
  await seedTasks(
    pool,
    path.join(ROOT, 'config/tasks'),
    await loadReferenceSet(path.join(ROOT, 'config/reference')),
    plans,
  );
  user = await createUser(pool, 'unit', { unitId: 'water_bureau' });
  water = client(server, user.token);
  const may = await water.send('PUT', '/api/tasks/TZ24-WAT-001/progress/water_bureau/2024-05', {
    status: '推进中',
    note: '5月已监测',
  });
  expect(may.status).toBe(200);
});

async function download(): Promise<ExcelJS.Workbook> {
  const res = await water.get('/api/tasks/ledger.xlsx?month=2024-06&plan=tongzhou-2024');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain(XLSX);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  return wb;
}

const upload = async (wb: ExcelJS.Workbook) =>
  fetch(`${server.url}/api/tasks/ledger?filename=${encodeURIComponent('水务局6月台账.xlsx')}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': XLSX },
    body: Buffer.from(await wb.xlsx.writeBuffer()),
  });

const col = (ws: ExcelJS.Worksheet, header: string) => {
  let at = 0;
  ws.getRow(1).eachCell((c, i) => {
    if (c.value === header) at = i;
  });
  return at;
};

function rowOf(ws: ExcelJS.Worksheet, task: string): ExcelJS.Row {
  for (let i = 2; i <= ws.rowCount; i++) if (ws.getRow(i).getCell(1).value === task) return ws.getRow(i);
  throw new Error(`no row for ${task}`);
}

describe('the 台账 export', () => {
  it('holds one row per own task, pre-filled with the latest report', async () => {
    const ws = (await download()).getWorksheet('台账')!;
    const { rows } = await server.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM task_reporting_unit r JOIN task t ON t.id = r.task_id
        WHERE r.unit_id = 'water_bureau' AND t.plan_id = 'tongzhou-2024'`,
    );
    expect(ws.rowCount - 1).toBe(rows[0]!.n);
    const units = new Set<unknown>();
    for (let i = 2; i <= ws.rowCount; i++) units.add(ws.getRow(i).getCell(col(ws, '责任单位编号')).value);
    expect([...units]).toEqual(['water_bureau']);
    const r = rowOf(ws, 'TZ24-WAT-001');
    expect([
      r.getCell(col(ws, '月份')).value,
      r.getCell(col(ws, '进展状态')).value,
      r.getCell(col(ws, '进展情况')).value,
      r.getCell(col(ws, '上次上报月份')).value,
    ]).toEqual(['2024-06', '推进中', '5月已监测', '2024-05']);
    expect(r.getCell(col(ws, '进展状态')).dataValidation).toMatchObject({
      type: 'list',
      formulae: ['"未启动,推进中,已完成,滞后,不适用"'],
    });
  });
});

describe('the 台账 import', () => {
  it('stores good rows, skips rows without a status and keeps each refused row with its reason', async () => {
    const wb = await download();
    const ws = wb.getWorksheet('台账')!;
    const [statusCol, noteCol] = [col(ws, '进展状态'), col(ws, '进展情况')];
    const done = rowOf(ws, 'TZ24-WAT-001');
    done.getCell(statusCol).value = '已完成';
    done.getCell(noteCol).value = '6月全部断面达标';
    rowOf(ws, 'TZ24-WAT-002').getCell(statusCol).value = '差不多';
    const add = (task: string, unit: string) =>
      ws.addRow(Object.assign(new Array(13).fill(''), { 0: task, 6: unit, 9: '2024-06', 10: '推进中' }));
    add('TZ24-AIR-071', 'water_bureau');
    add('TZ24-WAT-001', 'eeb');
    add('TZ24-NONE-999', 'water_bureau');
    const res = await upload(wb);
    expect(res.status).toBe(200);
    const body = await json<{ importId: number; refusals: { row: number; reason_code: string }[] }>(res);
    // The 指标 sheet's rows (the unit's manual indicators, no value filled in) are received and skipped too.
    const total = ws.rowCount - 1 + wb.getWorksheet('指标')!.rowCount - 1;
    expect(body).toMatchObject({
      received: total,
      accepted: 1,
      unchanged: 0,
      skipped: total - 5,
      refused: 4,
    });
    expect(body.refusals.map((r) => r.reason_code)).toEqual([
      'INVALID_VALUE',
      'NOT_RESPONSIBLE',
      'NOT_YOUR_UNIT',
      'UNKNOWN_TASK',
    ]);

    const stored = await server.db.pool.query(
      `SELECT status, note, reported_via FROM task_progress WHERE task_id = 'TZ24-WAT-001' AND unit_id = 'water_bureau' AND month = '2024-06-01'`,
    );
    expect(stored.rows).toEqual([{ status: 'done', note: '6月全部断面达标', reported_via: 'xlsx' }]);
    const kept = await server.db.pool.query(
      `SELECT i.file_name, i.accepted, i.refused, r.row_number, r.reason_code, r.raw->>'任务编号' AS task, r.raw->>'进展状态' AS status
         FROM task_import i JOIN task_import_refused r ON r.import_id = i.id WHERE i.id = $1 ORDER BY r.row_number`,
      [body.importId],
    );
    expect(
      kept.rows.map((r) => [r.file_name, r.accepted, r.refused, r.reason_code, r.task, r.status]),
    ).toEqual([
      ['水务局6月台账.xlsx', 1, 4, 'INVALID_VALUE', 'TZ24-WAT-002', '差不多'],
      ['水务局6月台账.xlsx', 1, 4, 'NOT_RESPONSIBLE', 'TZ24-AIR-071', '推进中'],
      ['水务局6月台账.xlsx', 1, 4, 'NOT_YOUR_UNIT', 'TZ24-WAT-001', '推进中'],
      ['水务局6月台账.xlsx', 1, 4, 'UNKNOWN_TASK', 'TZ24-NONE-999', '推进中'],
    ]);
    const audit = await server.db.pool.query(
      `SELECT action, after->>'reported_via' AS via FROM audit_log WHERE entity_id = 'TZ24-WAT-001/water_bureau/2024-06'`,
    );
    expect(audit.rows).toEqual([{ action: 'task_progress.report', via: 'xlsx' }]);

    const again = await json(await upload(wb));
    expect(again).toMatchObject({ accepted: 0, unchanged: 1, refused: 4 });
  });

  it('refuses a workbook without the columns it needs, naming them', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('台账').addRow(['任务编号', '责任单位编号', '月份']);
    const res = await upload(wb);
    expect(res.status).toBe(400);
    expect(JSON.stringify(await json(res))).toContain('进展状态、进展情况');
  });
});
