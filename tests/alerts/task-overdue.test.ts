/**
 * Issue #16 item 3, over a year on the real database: a task due 2021-11-15 that its main unit never reports
 * 已完成 opens one task_overdue alert on 11月16日 (Shanghai), delivered to its main unit and its lead official
 * (and copied to its assisting unit); a task its unit reported done in October opens none; the daily job
 * running every day of 2021 does not open a second one, even after the first is acknowledged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { alertSettings } from '../../services/alerts/alert-settings.js';
import { syncOverdueTasks } from '../../services/alerts/task-overdue.js';
import { addDays, shanghaiInstant, toShanghaiDay } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedDirectory } from './fixtures.js';

const db = useTestDatabase();
const settings = alertSettings(loadConfig({ APP_SECRET: 'a-test-secret-that-is-at-least-32-characters' }));
const openedOn: string[] = [];

async function insertTask(id: string, due: string, units: [string, string][]): Promise<void> {
  await db.pool.query(
    `INSERT INTO task (id, plan_id, section, seq, key_task_zh, measures_zh, deadline_zh, deadline_kind, due_on,
                       lead_official_ids, source, definition)
     VALUES ($1, 'tongzhou-2021', '大气', '1', $1 || ' 重点任务', '{措施}', '供暖季前（11月15日前）', 'due', $2,
             '{ni_decai}', '001:100', '{}')`,
    [id, due],
  );
  for (const [i, [role, unit]] of units.entries())
    await db.pool.query(
      `INSERT INTO task_unit (task_id, ord, role, label, name_zh, unit_id) VALUES ($1, $2, $3, $4, $5, $5)`,
      [id, i, role, role === 'main' ? '主责单位' : '协办单位', unit],
    );
}

beforeAll(async () => {
  await seedDirectory(db.pool);
  await db.pool.query(
    `INSERT INTO plan (id, district_id, year, name_zh, name_en) VALUES ('tongzhou-2021', 'tongzhou', 2021, '2021', '2021')`,
  );
  await insertTask('TZ21-AIR-001', '2021-11-15', [
    ['main', 'eeb'],
    ['assist', 'water_bureau'],
  ]);
  await insertTask('TZ21-AIR-002', '2021-11-15', [['main', 'eeb']]);
  await db.pool.query(
    `INSERT INTO task_progress (task_id, unit_id, month, status, reported_by, reported_via)
     VALUES ('TZ21-AIR-001', 'eeb', '2021-10-01', 'in_progress', 'eeb', 'api'),
            ('TZ21-AIR-002', 'eeb', '2021-10-01', 'done', 'eeb', 'api')`,
  );
  // Every day of 2021 at 00:05 Shanghai, as the schedule runs it; the alert is acknowledged on 11-20.
  for (let day = '2021-01-01'; day <= '2021-12-31'; day = addDays(day, 1)) {
    const now = shanghaiInstant(day, 0, 5);
    const r = await syncOverdueTasks(db.pool, { now, settings, smsEnabled: true, lookbackDays: 60 });
    if (r.opened > 0) openedOn.push(`${toShanghaiDay(now)}:${r.opened}`);
    if (day === '2021-11-20')
      await db.pool.query(
        `UPDATE alert SET state = 'acknowledged', acknowledged_at = $1, acknowledged_by = 'eeb' WHERE kind = 'task_overdue'`,
        [now],
      );
  }
}, 120_000);

describe('task overdue alerts', () => {
  it('opens once, on 11月16日, for the task not reported 已完成 only', async () => {
    expect(openedOn).toEqual(['2021-11-16:1']);
    const { rows } = await db.pool.query(
      `SELECT kind, task_id, dedupe_key, condition, state, title_zh, facts->>'whatZh' AS what_zh FROM alert ORDER BY id`,
    );
    expect(rows).toEqual([
      {
        kind: 'task_overdue',
        task_id: 'TZ21-AIR-001',
        dedupe_key: 'task|TZ21-AIR-001',
        condition: 'overdue',
        state: 'acknowledged',
        // The task by its name (here the fixture's), the id in brackets; the SMS words shorten the name.
        title_zh: '任务逾期未完成：TZ21-AIR-001 重点任务（TZ21-AIR-001）',
        what_zh: 'TZ21-AIR-001 重点…（TZ21-AIR-001）逾期未完成',
      },
    ]);
  });

  it('names the units not done as the plan writes them, not by id', async () => {
    const { rows } = await db.pool.query<{ body_zh: string }>(
      `SELECT body_zh FROM alert WHERE kind = 'task_overdue'`,
    );
    const { rows: unit } = await db.pool.query<{ name_zh: string }>(
      `SELECT name_zh FROM unit WHERE id = 'eeb'`,
    );
    expect(rows[0]!.body_zh).toContain(`未完成单位：${unit[0]!.name_zh}。`);
    expect(rows[0]!.body_zh).not.toContain('：eeb');
  });

  it('delivers to the main unit and the lead official, copying the assisting unit', async () => {
    const { rows } = await db.pool.query(
      `SELECT recipient_id, recipient_role, channel FROM delivery WHERE alert_id IS NOT NULL ORDER BY recipient_id, channel`,
    );
    expect(rows).toEqual([
      { recipient_id: 'eeb.duty', recipient_role: 'main', channel: 'email' },
      { recipient_id: 'eeb.duty', recipient_role: 'main', channel: 'sms' },
      { recipient_id: 'official.ni', recipient_role: 'lead', channel: 'email' },
      { recipient_id: 'official.ni', recipient_role: 'lead', channel: 'sms' },
      { recipient_id: 'water.duty', recipient_role: 'assist', channel: 'email' },
      { recipient_id: 'water.engineer', recipient_role: 'assist', channel: 'email' },
    ]);
  });
});
