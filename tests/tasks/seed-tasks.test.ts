/**
 * `envwatch seed` stores every task row with its units as written, idempotently, and the reporting view
 * expands 各街道乡镇 to the street/town governments of the plan's district.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceSet } from '../../services/reference/load-reference.js';
import { loadPlanFiles } from '../../services/targets/load-targets.js';
import { upsertPlanFile } from '../../services/targets/target-queries.js';
import { seedTasks } from '../../services/tasks/seed-tasks.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from '../targets/fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const db = useTestDatabase();
let line: string;

async function seed(): Promise<string> {
  const reference = await loadReferenceSet(path.join(ROOT, 'config/reference'));
  const plans = await loadPlanFiles(path.join(ROOT, 'config/targets'));
  return seedTasks(db.pool, path.join(ROOT, 'config/tasks'), reference, plans);
}

beforeAll(async () => {
  await seedRealReference(db.pool);
  for (const p of await loadPlanFiles(path.join(ROOT, 'config/targets'))) await upsertPlanFile(db.pool, p);
  line = await seed();
});

describe('seeding tasks', () => {
  it('stores every row of every plan', async () => {
    const { rows } = await db.pool.query<{ plan_id: string; n: number }>(
      'SELECT plan_id, count(*)::int AS n FROM task WHERE enabled GROUP BY plan_id ORDER BY plan_id',
    );
    expect(rows).toEqual([
      { plan_id: 'bda-2020', n: 71 },
      { plan_id: 'tongzhou-2020', n: 130 },
      { plan_id: 'tongzhou-2021', n: 134 },
      { plan_id: 'tongzhou-2024', n: 251 },
    ]);
    expect(line).toMatch(/^tasks: 586 in 4 plan\(s\) \(~586 changed, -0 disabled, \d+ unit rows\)/);
  });

  it('keeps a row as written: 完成时限, due date, officials, units with their labels and resolved ids', async () => {
    const task = await db.pool.query(
      `SELECT key_task_zh, deadline_zh, deadline_kind, due_on, lead_official_ids, target_ids, source
         FROM task WHERE id = 'TZ24-AIR-073'`,
    );
    expect(task.rows[0]).toEqual({
      key_task_zh: '精细化治理示范项目',
      deadline_zh: '4月底前',
      deadline_kind: 'due',
      due_on: '2024-04-30',
      lead_official_ids: ['yao_weilong'],
      target_ids: [],
      source: '002:3432-3441',
    });
    const units = await db.pool.query(
      `SELECT role, label, name_zh, unit_id FROM task_unit WHERE task_id = 'TZ24-WAT-002' ORDER BY ord`,
    );
    expect(units.rows.slice(0, 2)).toEqual([
      { role: 'main', label: '牵头部门', name_zh: '各街道乡镇', unit_id: 'streets_towns' },
      { role: 'assist', label: '责任单位', name_zh: '区生态环境局', unit_id: 'eeb' },
    ]);
    const unresolved = await db.pool.query(
      `SELECT name_zh, unit_id FROM task_unit WHERE task_id = 'TZ20-AIR-003' ORDER BY ord`,
    );
    expect(unresolved.rows).toEqual([
      { name_zh: '区委督查室区政府督查室', unit_id: null },
      { name_zh: '区生态环境督查办', unit_id: 'eco_inspection_office' },
    ]);
  });

  it('expands 各街道乡镇 to every street/town government of the district for reporting', async () => {
    const { rows } = await db.pool.query<{ unit_id: string; role: string }>(
      `SELECT r.unit_id, r.role FROM task_reporting_unit r WHERE r.task_id = 'TZ24-AIR-008' ORDER BY r.unit_id`,
    );
    const govs = await db.pool.query<{ id: string }>(
      `SELECT id FROM unit WHERE kind = 'area' AND district_id = 'tongzhou' ORDER BY id`,
    );
    expect(govs.rows.length).toBeGreaterThan(20);
    expect(rows).toEqual(
      [...govs.rows.map((g) => ({ unit_id: g.id, role: 'main' })), { unit_id: 'eeb', role: 'assist' }].sort(
        (a, b) => a.unit_id.localeCompare(b.unit_id),
      ),
    );
  });

  it('a second seed changes nothing', async () => {
    const before = await db.pool.query('SELECT id, loaded_at FROM task ORDER BY id');
    const again = await seed();
    expect(again).toMatch(/~0 changed, -0 disabled/);
    const after = await db.pool.query('SELECT id, loaded_at FROM task ORDER BY id');
    expect(after.rows).toEqual(before.rows);
  });
});
