/**
 * Issue #16 item 3 acceptance, over the year 2021 replayed day by day at 09:00 Shanghai (the schedule's
 * time) on the real database and the real working-day calendar:
 *  - 区生态环境局 never reports: each month it is reminded on the cut-off (the 25th, or the next working day —
 *    2021-09-26 was a 调休 Sunday) and escalated to its tasks' lead official 3 working days later (February's
 *    escalation falls on 3月2日, in the next month);
 *  - 潞邑街道 reports on the 20th, except June when it reports after the reminder: reminded once, resolved, never
 *    escalated; its task reported 已完成 in April is never reminded of its deadline;
 *  - a task due 11月15日 reminds its units 30, 7 and 1 working days before (9月28日, 11月4日, 11月12日);
 *  - running each job twice a day (a stalled job run again, two replicas) sends nothing twice;
 *  - the escalation's e-mail to the lead official names the task he leads (the unit's whole list is the unit's).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { getAlert } from '../../services/alerts/alert-queries.js';
import { alertSettings } from '../../services/alerts/alert-settings.js';
import { alertMessageSource, messageItem } from '../../services/alerts/delivery-messages.js';
import { syncDeadlineReminders } from '../../services/alerts/task-deadline-reminders.js';
import { syncReportReminders } from '../../services/alerts/task-report-reminders.js';
import type { DeliveryRow } from '../../services/notify/delivery-queries.js';
import { renderEmail } from '../../services/notify/render-email.js';
import { addDays, shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedDirectory } from './fixtures.js';

const db = useTestDatabase();
const config = loadConfig({ APP_SECRET: 'a-test-secret-that-is-at-least-32-characters' });
const settings = alertSettings(config);
const events: string[] = [];
const secondRuns: number[] = [];

async function insertTask(id: string, kind: string, due: string | null, units: [string, string][]) {
  await db.pool.query(
    `INSERT INTO task (id, plan_id, section, seq, key_task_zh, measures_zh, deadline_zh, deadline_kind, due_on,
                       lead_official_ids, source, definition)
     VALUES ($1, 'tongzhou-2021', '大气', '1', $1 || ' 重点任务', '{措施}', '11月15日前', $2, $3, '{ni_decai}', '001:100', '{}')`,
    [id, kind, due],
  );
  for (const [i, [role, unit]] of units.entries())
    await db.pool.query(
      `INSERT INTO task_unit (task_id, ord, role, label, name_zh, unit_id) VALUES ($1, $2, $3, $4, $5, $5)`,
      [id, i, role, role === 'main' ? '主责单位' : '协办单位', unit],
    );
}

async function report(unit: string, day: string, status: (task: string) => string) {
  const month = `${day.slice(0, 7)}-01`;
  const { rows } = await db.pool.query<{ task_id: string }>(
    `SELECT task_id FROM task_reporting_unit WHERE unit_id = $1`,
    [unit],
  );
  for (const { task_id } of rows)
    await db.pool.query(
      `INSERT INTO task_progress (task_id, unit_id, month, status, reported_by, reported_via)
       VALUES ($1, $2, $3, $4, $2, 'api') ON CONFLICT DO NOTHING`,
      [task_id, unit, month, status(task_id)],
    );
}

beforeAll(async () => {
  await seedDirectory(db.pool);
  await db.pool.query(
    `INSERT INTO plan (id, district_id, year, name_zh, name_en) VALUES ('tongzhou-2021', 'tongzhou', 2021, '2021', '2021')`,
  );
  await insertTask('TZ21-AIR-001', 'due', '2021-11-15', [
    ['main', 'eeb'],
    ['assist', 'water_bureau'],
  ]);
  await insertTask('TZ21-AIR-002', 'ongoing', null, [['main', 'gov_luyi']]);
  await insertTask('TZ21-AIR-003', 'due', '2021-06-30', [['main', 'gov_luyi']]);
  for (let day = '2021-01-01'; day <= '2021-12-31'; day = addDays(day, 1)) {
    const dom = day.slice(8);
    if (dom === '20') await report('water_bureau', day, () => 'in_progress');
    if ((dom === '20' && !day.startsWith('2021-06')) || day === '2021-06-28')
      await report('gov_luyi', day, (t) =>
        t === 'TZ21-AIR-003' && day >= '2021-04-20' ? 'done' : 'in_progress',
      );
    const now = shanghaiInstant(day, 9, 0);
    for (let run = 0; run < 2; run++) {
      const r = await syncReportReminders(db.pool, {
        now,
        settings,
        smsEnabled: true,
        cutoffDay: config.TASK_REPORT_CUTOFF_DAY,
        escalateAfterWorkingDays: config.TASK_REPORT_ESCALATE_AFTER_WORKING_DAYS,
      });
      const d = await syncDeadlineReminders(db.pool, {
        now,
        settings,
        smsEnabled: true,
        workingDaysBefore: config.TASK_DEADLINE_REMINDER_WORKING_DAYS,
        catchUpWorkingDays: config.TASK_DEADLINE_REMINDER_CATCH_UP_WORKING_DAYS,
      });
      if (run === 1) secondRuns.push(r.reminded + r.escalated + r.resolved + d.reminded + d.resolved);
      else {
        if (r.reminded) events.push(`${day} remind×${r.reminded}`);
        if (r.escalated) events.push(`${day} escalate×${r.escalated}`);
        if (r.resolved) events.push(`${day} resolved×${r.resolved}`);
        if (d.reminded) events.push(`${day} due-soon×${d.reminded}`);
        if (d.resolved) events.push(`${day} due-soon-resolved×${d.resolved}`);
      }
    }
  }
}, 600_000);

describe('task reminders over 2021', () => {
  it('reminds on the cut-off, escalates 3 working days later, due-soon 30/7/1 working days before', () => {
    expect(events).toEqual([
      '2021-01-25 remind×1',
      '2021-01-28 escalate×1',
      '2021-02-25 remind×1',
      '2021-03-02 escalate×1',
      '2021-03-25 remind×1',
      '2021-03-30 escalate×1',
      '2021-04-25 remind×1',
      '2021-04-28 escalate×1',
      '2021-05-25 remind×1',
      '2021-05-28 escalate×1',
      '2021-06-25 remind×2',
      '2021-06-28 resolved×1',
      '2021-06-30 escalate×1',
      '2021-07-26 remind×1',
      '2021-07-29 escalate×1',
      '2021-08-25 remind×1',
      '2021-08-30 escalate×1',
      '2021-09-26 remind×1',
      '2021-09-28 due-soon×1',
      '2021-09-29 escalate×1',
      '2021-10-25 remind×1',
      '2021-10-28 escalate×1',
      '2021-11-04 due-soon×1',
      '2021-11-12 due-soon×1',
      '2021-11-15 due-soon-resolved×1',
      '2021-11-25 remind×1',
      '2021-11-30 escalate×1',
      '2021-12-27 remind×1',
      '2021-12-30 escalate×1',
    ]);
  });

  it('a second run of either job on the same day does nothing', () => {
    expect(secondRuns.filter((n) => n !== 0)).toEqual([]);
  });

  it('the unit that never reports: one alert a month, reminded then escalated to its lead official', async () => {
    const { rows } = await db.pool.query(
      `SELECT a.unit_id, count(*)::int AS alerts, count(*) FILTER (WHERE a.condition = 'escalated')::int AS escalated
         FROM alert a WHERE a.kind = 'task_report_missing' GROUP BY a.unit_id ORDER BY a.unit_id`,
    );
    expect(rows).toEqual([
      { unit_id: 'eeb', alerts: 12, escalated: 12 },
      { unit_id: 'gov_luyi', alerts: 1, escalated: 0 },
    ]);
    const steps = await db.pool.query(
      `SELECT d.recipient_id, d.recipient_role, d.step, d.channel
         FROM delivery d JOIN alert a ON a.id = d.alert_id
        WHERE a.kind = 'task_report_missing' AND a.period_key = '2021-02' ORDER BY d.step, d.recipient_id, d.channel`,
    );
    expect(steps.rows).toEqual([
      { recipient_id: 'eeb.duty', recipient_role: 'main', step: 'remind:cutoff:1', channel: 'email' },
      { recipient_id: 'eeb.duty', recipient_role: 'main', step: 'remind:cutoff:1', channel: 'sms' },
      { recipient_id: 'eeb.duty', recipient_role: 'main', step: 'unreported:lead:2', channel: 'email' },
      { recipient_id: 'eeb.duty', recipient_role: 'main', step: 'unreported:lead:2', channel: 'sms' },
      { recipient_id: 'official.ni', recipient_role: 'lead', step: 'unreported:lead:2', channel: 'email' },
      { recipient_id: 'official.ni', recipient_role: 'lead', step: 'unreported:lead:2', channel: 'sms' },
    ]);
    const alert = await db.pool.query(
      `SELECT title_zh FROM alert WHERE kind = 'task_report_missing' AND period_key = '2021-02' AND unit_id = 'eeb'`,
    );
    expect(alert.rows[0].title_zh).toBe('【督办】区生态环境局2021年2月任务进展逾期未上报（1项）');
  });

  it('the deadline reminders went once each to the units, SMS only the day before', async () => {
    const { rows } = await db.pool.query(
      `SELECT d.step, d.recipient_id, d.channel FROM delivery d JOIN alert a ON a.id = d.alert_id
        WHERE a.kind = 'task_due_soon' ORDER BY d.created_at, d.recipient_id, d.channel`,
    );
    expect(rows.map((r) => `${r.step} ${r.recipient_id} ${r.channel}`)).toEqual([
      'remind:30:1 eeb.duty email',
      'remind:30:1 water.duty email',
      'remind:30:1 water.engineer email',
      'remind:7:2 eeb.duty email',
      'remind:7:2 water.duty email',
      'remind:7:2 water.engineer email',
      'remind:1:3 eeb.duty email',
      'remind:1:3 eeb.duty sms',
      'remind:1:3 water.duty email',
      'remind:1:3 water.engineer email',
    ]);
    const a = await db.pool.query(
      `SELECT task_id, state, resolved_reason FROM alert WHERE kind = 'task_due_soon'`,
    );
    expect(a.rows).toEqual([
      { task_id: 'TZ21-AIR-001', state: 'resolved', resolved_reason: 'due_date_reached' },
    ]);
  });

  it('the lead official reads what is asked of them, in the words of tasks, not of targets', async () => {
    // Composed for the official's own delivery, as send-delivery does: the tasks they lead, by name.
    const { rows } = await db.pool.query<DeliveryRow>(
      `SELECT d.* FROM delivery d JOIN alert a ON a.id = d.alert_id
        WHERE a.kind = 'task_report_missing' AND a.unit_id = 'eeb' AND a.period_key = '2021-09'
          AND d.recipient_id = 'official.ni' AND d.channel = 'email'`,
    );
    const d = rows[0]!;
    const composed = await alertMessageSource(settings).compose(db.pool, d, []);
    if (!composed.send) throw new Error(composed.reason);
    const mail = renderEmail({
      delivery: d,
      alert: composed.message.item,
      ackLink: () => 'https://envwatch.example/ack/x',
      now: shanghaiInstant('2021-09-29', 9, 0),
    });
    expect(mail.subject).toBe('【督办】区生态环境局2021年9月有1项您牵头的任务进展逾期未上报');
    expect(mail.text).toContain('您是以下任务的牵头领导。责任单位逾期未上报月度任务进展，请督办。');
    expect(mail.text).toContain(
      '区生态环境局在截止日（9月26日）提醒后，截至9月29日仍有1项任务未上报2021年9月进展情况，均由您牵头：\n' +
        'TZ21-AIR-001 重点任务（TZ21-AIR-001），时限：11月15日前',
    );
    expect(mail.text).not.toContain('该目标');
  });

  it('a reminder sent as a group of one asks the unit to report, not to 核实处置 a 预警', async () => {
    const { rows } = await db.pool.query<{ id: number }>(
      `SELECT id FROM alert WHERE kind = 'task_report_missing' AND unit_id = 'eeb' AND period_key = '2021-09'`,
    );
    const alert = messageItem((await getAlert(db.pool, rows[0]!.id))!);
    const mail = renderEmail({
      delivery: { step: 'group:1', recipient_role: 'main', locale: 'zh-CN' },
      alert: null,
      items: [alert],
      ackLink: () => 'https://envwatch.example/ack/x',
      now: shanghaiInstant('2021-09-26', 9, 0),
    });
    // September's alert is escalated by now: the unit reads the 督办 words.
    expect(mail.text).toMatch(/^贵单位月度任务进展已逾期未上报，已报牵头领导督办，请尽快上报。/);
    expect(mail.text).not.toContain('预警');
  });
});
