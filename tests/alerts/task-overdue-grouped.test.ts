/**
 * Issue #14 item 4 for task alerts: tasks falling overdue together reach their lead official as one grouped
 * message, like every other alert. Before, each task_overdue alert was planned as its own e-mail and SMS: on the
 * full demo year's last day one deputy district head got 71 separate e-mails.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { alertSettings } from '../../services/alerts/alert-settings.js';
import { syncOverdueTasks } from '../../services/alerts/task-overdue.js';
import { shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedDirectory } from './fixtures.js';

const db = useTestDatabase();
const settings = alertSettings(loadConfig({ APP_SECRET: 'a-test-secret-that-is-at-least-32-characters' }));
const TASKS = ['TZ21-AIR-011', 'TZ21-AIR-012', 'TZ21-AIR-013'];

beforeAll(async () => {
  await seedDirectory(db.pool);
  await db.pool.query(
    `INSERT INTO plan (id, district_id, year, name_zh, name_en) VALUES ('tongzhou-2021', 'tongzhou', 2021, '2021', '2021')`,
  );
  for (const id of TASKS) {
    await db.pool.query(
      `INSERT INTO task (id, plan_id, section, seq, key_task_zh, measures_zh, deadline_zh, deadline_kind, due_on,
                         lead_official_ids, source, definition)
       VALUES ($1, 'tongzhou-2021', '大气', '1', $1 || ' 重点任务', '{措施}', '年底前', 'due', '2021-12-31',
               '{ni_decai}', '001:100', '{}')`,
      [id],
    );
    await db.pool.query(
      `INSERT INTO task_unit (task_id, ord, role, label, name_zh, unit_id) VALUES ($1, 0, 'main', '主责单位', 'eeb', 'eeb')`,
      [id],
    );
  }
  const r = await syncOverdueTasks(db.pool, {
    now: shanghaiInstant('2022-01-04', 9, 0),
    settings,
    smsEnabled: true,
    lookbackDays: 60,
  });
  expect(r.opened).toBe(3);
});

describe('task overdue alerts under grouping', () => {
  it('plans each task as an item of its person’s group message, one message per person and channel', async () => {
    const { rows: items } = await db.pool.query<{
      recipient_id: string;
      channel: string;
      mode: string;
      n: number;
    }>(
      `SELECT recipient_id, channel, mode, count(*)::int AS n FROM delivery WHERE alert_id IS NOT NULL
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
    expect(items).toEqual([
      { recipient_id: 'eeb.duty', channel: 'email', mode: 'group', n: 3 },
      { recipient_id: 'eeb.duty', channel: 'sms', mode: 'group', n: 3 },
      { recipient_id: 'official.ni', channel: 'email', mode: 'group', n: 3 },
      { recipient_id: 'official.ni', channel: 'sms', mode: 'group', n: 3 },
    ]);
    const { rows: messages } = await db.pool.query<{ recipient_id: string; channel: string; n: number }>(
      `SELECT recipient_id, channel, count(*)::int AS n FROM delivery WHERE alert_id IS NULL AND step LIKE 'group:%'
        GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(messages).toEqual([
      { recipient_id: 'eeb.duty', channel: 'email', n: 1 },
      { recipient_id: 'eeb.duty', channel: 'sms', n: 1 },
      { recipient_id: 'official.ni', channel: 'email', n: 1 },
      { recipient_id: 'official.ni', channel: 'sms', n: 1 },
    ]);
  });
});
