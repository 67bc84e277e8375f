/**
 * Issue #16, the due-soon first-run burst: a fresh deployment's first deadline run reminds only the tasks
 * whose reminder day is today or within TASK_DEADLINE_REMINDER_CATCH_UP_WORKING_DAYS working days; a task
 * whose reminder day passed long ago waits for its next point instead of joining a burst.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { alertSettings } from '../../services/alerts/alert-settings.js';
import { syncDeadlineReminders } from '../../services/alerts/task-deadline-reminders.js';
import { addDays, shanghaiInstant } from '../../services/time/shanghai.js';
import { shiftWorkingDays } from '../../services/time/working-days.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedDirectory } from './fixtures.js';

const db = useTestDatabase();
const config = loadConfig({ APP_SECRET: 'a-test-secret-that-is-at-least-32-characters' });
const settings = alertSettings(config);
const FIRST_RUN = '2021-11-10'; // a Wednesday
const events: string[] = [];

async function insertTask(id: string, due: string) {
  await db.pool.query(
    `INSERT INTO task (id, plan_id, section, seq, key_task_zh, measures_zh, deadline_zh, deadline_kind, due_on,
                       lead_official_ids, source, definition)
     VALUES ($1, 'tongzhou-2021', '大气', '1', $1 || ' 重点任务', '{措施}', '年底前', 'due', $2, '{ni_decai}', '001:100', '{}')`,
    [id, due],
  );
  await db.pool.query(
    `INSERT INTO task_unit (task_id, ord, role, label, name_zh, unit_id) VALUES ($1, 0, 'main', '主责单位', 'eeb', 'eeb')`,
    [id],
  );
}

const run = (day: string) =>
  syncDeadlineReminders(db.pool, {
    now: shanghaiInstant(day, 9, 0),
    settings,
    smsEnabled: true,
    workingDaysBefore: config.TASK_DEADLINE_REMINDER_WORKING_DAYS,
    catchUpWorkingDays: config.TASK_DEADLINE_REMINDER_CATCH_UP_WORKING_DAYS,
  });

beforeAll(async () => {
  await seedDirectory(db.pool);
  await db.pool.query(
    `INSERT INTO plan (id, district_id, year, name_zh, name_en) VALUES ('tongzhou-2021', 'tongzhou', 2021, '2021', '2021')`,
  );
  const cal = settings.calendar;
  // Its 30-day reminder was yesterday: still sent on the first run.
  await insertTask('T-30-YESTERDAY', shiftWorkingDays(cal, '2021-11-09', 30));
  // Its 7-day reminder (11-04) is four working days old: not sent; its 1-day reminder (11-12) is.
  await insertTask('T-7-OLD', '2021-11-15');
  // Twenty tasks whose 30-day reminders (in October) passed long ago: they wait for their 7-day one (11-19).
  for (let i = 0; i < 20; i++) await insertTask(`T-30-OLD-${String(i).padStart(2, '0')}`, '2021-11-30');
  for (let day = FIRST_RUN; day <= '2021-11-30'; day = addDays(day, 1)) {
    const r = await run(day);
    if (r.reminded) events.push(`${day} due-soon×${r.reminded}`);
  }
}, 120_000);

describe('the first deadline run of a fresh deployment', () => {
  it('reminds only what is due within the catch-up days, the others at their next point', () => {
    expect(events).toEqual([
      '2021-11-10 due-soon×1', // T-30-YESTERDAY, not the 21 tasks whose reminder day has long passed
      '2021-11-12 due-soon×1', // T-7-OLD's 1-day reminder
      '2021-11-19 due-soon×20', // the 7-day reminders of the tasks due 11-30
      '2021-11-29 due-soon×20', // and their 1-day reminders
    ]);
  });

  it('never opened a reminder for a point older than the catch-up days', async () => {
    const { rows } = await db.pool.query<{ task_id: string; condition: string }>(
      `SELECT a.task_id, e.detail->>'condition' AS condition FROM alert a JOIN alert_event e ON e.alert_id = a.id
        WHERE a.kind = 'task_due_soon' AND e.kind = 'opened' AND a.task_id IN ('T-7-OLD', 'T-30-OLD-00')
        ORDER BY 1`,
    );
    expect(rows).toEqual([
      { task_id: 'T-30-OLD-00', condition: 'remind_7' },
      { task_id: 'T-7-OLD', condition: 'remind_1' },
    ]);
  });
});
