/**
 * The demo's replayed progress (issue 16 item 6): for a replayed month most units report on the 18th, the
 * late units after the cut-off, the never-reporting unit has nothing, a task due by then is 已完成 or (one
 * in four) 滞后, and the manual indicators are reported — February's large-area spill breaking its 60 minutes.
 */
import { seedPlansAndTasks } from '../tasks/task-fixtures.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  LATE_UNITS,
  NEVER_UNIT,
  reportDemoMonth,
  reportLateUnits,
  reportOnTimeUnits,
} from '../../services/demo/replay/progress-step.js';
import { evaluatePending } from '../../services/targets/evaluate-pending.js';
import { shanghaiInstant } from '../../services/time/shanghai.js';
import { useApiServer } from '../api/harness.js';

const server = useApiServer();

beforeAll(async () => {
  const pool = server.db.pool;
  await seedPlansAndTasks(pool);
  for (const [month, next] of [
    ['2024-01', '2024-02'],
    ['2024-02', '2024-03'],
    ['2024-03', '2024-04'],
  ] as const) {
    await reportOnTimeUnits(server.ctx, month, shanghaiInstant(`${month}-18`, 10));
    await reportLateUnits(server.ctx, month, shanghaiInstant(`${month}-26`, 10));
    await reportDemoMonth(server.ctx, month, shanghaiInstant(`${next}-05`, 9));
  }
});

describe('the demo’s replayed progress', () => {
  it('has most units on time, the late ones after the cut-off, and one never', async () => {
    const { rows } = await server.db.pool.query<{ unit_id: string; months: string[]; days: string[] }>(
      `SELECT unit_id, array_agg(DISTINCT to_char(month, 'YYYY-MM') ORDER BY to_char(month, 'YYYY-MM')) AS months,
              array_agg(DISTINCT to_char(reported_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD')
                        ORDER BY to_char(reported_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD')) AS days
         FROM task_progress GROUP BY unit_id`,
    );
    const by = new Map(rows.map((r) => [r.unit_id, r]));
    expect(by.has(NEVER_UNIT)).toBe(false);
    const months = ['2024-01', '2024-02', '2024-03'];
    for (const u of LATE_UNITS)
      expect(by.get(u)).toMatchObject({ months, days: ['01-26', '02-26', '03-26'] });
    expect(by.get('water_bureau')).toMatchObject({ months, days: ['01-18', '02-18', '03-18'] });
    expect(rows.length).toBeGreaterThan(50);
  });

  it('reports a task due by the month as 已完成 or 滞后, the others as under way', async () => {
    const { rows } = await server.db.pool.query<{ due: boolean; status: string }>(
      `SELECT DISTINCT t.due_on <= '2024-03-31' AS due, p.status FROM task_progress p JOIN task t ON t.id = p.task_id
        WHERE p.month = '2024-03-01' ORDER BY 1, 2`,
    );
    const due = rows.filter((r) => r.due).map((r) => r.status);
    expect(due.length).toBeGreaterThan(0);
    for (const s of due) expect(['done', 'late']).toContain(s);
    for (const r of rows.filter((x) => !x.due)) expect(['in_progress', 'not_started']).toContain(r.status);
  });

  it('reports the indicators; February’s large spill breaches TZ24-OPS-01b', async () => {
    await evaluatePending(server.db.pool, { clock: server.clock });
    const { rows } = await server.db.pool.query(
      `SELECT period_key, status FROM evaluation_current WHERE target_id = 'TZ24-OPS-01b' ORDER BY period_key`,
    );
    expect(rows).toEqual([
      { period_key: '2024-01', status: 'met' },
      { period_key: '2024-02', status: 'breached' },
      { period_key: '2024-03', status: 'met' },
    ]);
  });
});
