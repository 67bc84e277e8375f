/**
 * The 台账's 指标 sheet (issue 16 item 4): a unit's export carries a row per manual indicator it reports, with
 * the requirement and last value; filled in and imported, a row becomes a value (via xlsx, audited, queued for
 * evaluation), an empty value is skipped, and a bad one is refused and kept with its reason like a 台账 row.
 */
import ExcelJS from 'exceljs';
import { seedPlansAndTasks } from './task-fixtures.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../api/factories.js';
import { client, json, useApiServer, type Client } from '../api/harness.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const server = useApiServer();
let user: TestUser;
let water: Client;

beforeAll(async () => {
  const pool = server.db.pool;
  await seedPlansAndTasks(pool);
  user = await createUser(pool, 'unit', { unitId: 'water_bureau' });
  water = client(server, user.token);
  expect(
    (await water.send('PUT', '/api/tasks/indicators/TZ24-OPS-02/water_bureau/2024-04', { value: 6 })).status,
  ).toBe(200);
});

function column(ws: ExcelJS.Worksheet, header: string): number {
  let at = 0;
  ws.getRow(1).eachCell((c, i) => {
    if (c.value === header) at = i;
  });
  expect(at, header).toBeGreaterThan(0);
  return at;
}

describe('the 台账’s 指标 sheet', () => {
  it('exports the unit’s indicators and imports their values row by row', async () => {
    const res = await water.get('/api/tasks/ledger.xlsx?month=2024-05');
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet('指标')!;
    expect(ws).toBeDefined();
    const target = column(ws, '指标编号');
    const value = column(ws, '本月数值');
    const rows = [2, 3].map((r) => ws.getRow(r));
    expect(rows.map((r) => r.getCell(target).value)).toEqual(['TZ24-OPS-02', 'TZ24-OPS-03']);
    expect(rows[0]!.getCell(column(ws, '要求')).value).toBe('≤ 24小时');
    expect(rows[0]!.getCell(column(ws, '上次填报')).value).toBe('2024-04: 6小时');
    expect(ws.rowCount).toBe(3);

    rows[0]!.getCell(value).value = 31.5;
    rows[0]!.getCell(column(ws, '说明')).value = '5月20日暴雨，清理31.5小时';
    rows[1]!.getCell(value).value = '两条';
    const up = await fetch(`${server.url}/api/tasks/ledger?filename=x.xlsx`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': XLSX },
      body: Buffer.from(await wb.xlsx.writeBuffer()),
    });
    expect(up.status).toBe(200);
    const result = await json<{ accepted: number; refused: number; refusals: { reason_detail: string }[] }>(
      up,
    );
    expect(result.accepted).toBe(1);
    expect(result.refused).toBe(1);
    expect(result.refusals[0]!.reason_detail).toContain('指标: invalid indicator value');

    const pool = server.db.pool;
    const stored = await pool.query(
      `SELECT value, note, reported_via FROM manual_indicator_value
        WHERE metric_id = 'post_rain_cleanup_max_hours' AND month = '2024-05-01'`,
    );
    expect(stored.rows).toEqual([{ value: 31.5, note: '5月20日暴雨，清理31.5小时', reported_via: 'xlsx' }]);
    const refused = await pool.query(
      `SELECT raw->>'指标编号' AS target, reason_code FROM task_import_refused`,
    );
    expect(refused.rows).toEqual([{ target: 'TZ24-OPS-03', reason_code: 'INVALID_VALUE' }]);
  });
});
