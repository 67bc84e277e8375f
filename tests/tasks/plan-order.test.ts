/**
 * A unit's tasks in the plan's order (蓝天, 碧水, 净土, 应对气候变化, 生态保护 as the plan prints them, the
 * rows of a section by their 序号), wherever they are listed for it: its task page, the task API, the 台账, the
 * monthly report reminder and its 督办 to the lead officials. They were listed by id, which put TZ24-SOIL-…
 * (净土) before TZ24-WAT-… (碧水) and the climate and ecology rows before both.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { taskHeadlines, unreportedUnits } from '../../services/alerts/task-reminder-queries.js';
import { listLedgerRows } from '../../services/tasks/ledger-queries.js';
import { listTasks } from '../../services/tasks/progress-queries.js';
import { listUnitTasksOfYear } from '../../services/tasks/unit-month-queries.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedPlansAndTasks } from './task-fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const db = useTestDatabase();
/** config/tasks/tongzhou-2024.yaml's rows in the file's order, which is the plan document's. */
let planOrder: string[];
/** 区生态环境局 answers for rows of all five sections of the 2024 plan. */
const UNIT = 'eeb';

function inPlanOrder(ids: readonly string[]): string[] {
  const wanted = new Set(ids);
  return planOrder.filter((id) => wanted.has(id));
}

beforeAll(async () => {
  await seedPlansAndTasks(db.pool);
  const file = parse(await readFile(path.join(ROOT, 'config/tasks/tongzhou-2024.yaml'), 'utf8')) as {
    tasks: { id: string }[];
  };
  planOrder = file.tasks.map((t) => t.id);
});

describe('a unit’s tasks in the plan’s order', () => {
  it('on its task page and in the task API', async () => {
    const page = (await listUnitTasksOfYear(db.pool, UNIT, 2024)).map((t) => t.id);
    expect(page.length).toBeGreaterThan(100);
    expect(page).toEqual(inPlanOrder(page));
    // The first 碧水 row comes before the first 净土 row, as in the plan.
    expect(page.findIndex((id) => id.startsWith('TZ24-WAT-'))).toBeLessThan(
      page.findIndex((id) => id.startsWith('TZ24-SOIL-')),
    );
    const api = (await listTasks(db.pool, { planId: 'tongzhou-2024', unitId: UNIT })).map((t) => t.id);
    expect(api).toEqual(page);
  });

  it('in the 台账 export', async () => {
    const rows = await listLedgerRows(db.pool, {
      planId: 'tongzhou-2024',
      unitId: UNIT,
      month: '2024-06-01',
    });
    const ids = rows.map((r) => r.task_id);
    expect(ids).toEqual(inPlanOrder(ids));
  });

  it('in the monthly report reminder, its 督办 per lead official and the tasks’ headlines', async () => {
    const unit = (await unreportedUnits(db.pool, '2024-06-01')).find((u) => u.unit_id === UNIT)!;
    const missing = unit.missing_task_ids.filter((id) => id.startsWith('TZ24-'));
    expect(missing.length).toBeGreaterThan(50);
    expect(missing).toEqual(inPlanOrder(missing));
    for (const ids of Object.values(unit.missing_by_lead)) {
      const ofPlan = ids.filter((id) => id.startsWith('TZ24-'));
      expect(ofPlan).toEqual(inPlanOrder(ofPlan));
    }
    const shuffled = [...missing].reverse();
    expect((await taskHeadlines(db.pool, shuffled)).map((t) => t.id)).toEqual(missing);
  });

  it('a database seeded before migration 0140 gets the same order from the rows’ citations', async () => {
    const migration = await readFile(path.join(ROOT, 'migrations/0140_task_plan_order.sql'), 'utf8');
    const backfill = migration.slice(migration.indexOf('UPDATE task'));
    await db.pool.query('UPDATE task SET plan_ord = NULL');
    await db.pool.query(backfill);
    const { rows } = await db.pool.query<{ id: string }>(
      `SELECT id FROM task WHERE plan_id = 'tongzhou-2024' ORDER BY plan_ord`,
    );
    expect(rows.map((r) => r.id)).toEqual(planOrder);
  });
});
