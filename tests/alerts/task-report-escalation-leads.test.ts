/**
 * The 督办 escalation of a unit that did not report (issue #16 item 3, follow-up): each lead official is told
 * about the unreported tasks they lead — not the unit's whole list (the demo sent all 59 of 区园林绿化局's
 * tasks to each of its officials) — and in one line how many more the unit owes. An official whose tasks
 * the unit did report is not told at all. The mails are composed and rendered the way send-delivery does it
 * (alertMessageSource → renderEmail / renderSmsFor), from the deliveries the real job planned.
 *
 * 区生态环境局 (eeb) owes five tasks in March 2021 and reports only TZ21-AIR-004:
 *   001 倪德才 · 002 倪德才 + 卢庆雷 · 003 卢庆雷 · 004 侯健美 (reported) · 005 no lead official.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { alertSettings } from '../../services/alerts/alert-settings.js';
import { alertMessageSource } from '../../services/alerts/delivery-messages.js';
import { syncReportReminders } from '../../services/alerts/task-report-reminders.js';
import type { DeliveryRow } from '../../services/notify/delivery-queries.js';
import type { Message } from '../../services/notify/message.js';
import { renderEmail, type RenderedEmail } from '../../services/notify/render-email.js';
import { renderSmsFor } from '../../services/notify/render-sms.js';
import { shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedDirectory } from './fixtures.js';

const db = useTestDatabase();
const config = loadConfig({ APP_SECRET: 'a-test-secret-that-is-at-least-32-characters' });
const settings = alertSettings(config);
const ESCALATED_AT = shanghaiInstant('2021-03-30', 9, 0);

async function insertTask(id: string, keyTask: string, leads: string[]) {
  await db.pool.query(
    `INSERT INTO task (id, plan_id, section, seq, key_task_zh, measures_zh, deadline_zh, deadline_kind, due_on,
                       lead_official_ids, source, definition)
     VALUES ($1, 'tongzhou-2021', '大气', '1', $2, '{措施}', '年底前', 'due', '2021-12-31', $3, '001:100', '{}')`,
    [id, keyTask, leads],
  );
  await db.pool.query(
    `INSERT INTO task_unit (task_id, ord, role, label, name_zh, unit_id) VALUES ($1, 0, 'main', '主责单位', 'eeb', 'eeb')`,
    [id],
  );
}

async function escalationDeliveries(): Promise<DeliveryRow[]> {
  const { rows } = await db.pool.query<DeliveryRow>(
    `SELECT d.* FROM delivery d JOIN alert a ON a.id = d.alert_id
      WHERE a.kind = 'task_report_missing' AND d.step LIKE 'unreported:lead:%'
      ORDER BY d.recipient_id, d.channel`,
  );
  return rows;
}

/** The message a delivery carries when it goes out, as send-delivery composes it. */
async function composed(d: DeliveryRow): Promise<Message> {
  const c = await alertMessageSource(settings).compose(db.pool, d, []);
  if (!c.send) throw new Error(`delivery ${d.id} would not be sent: ${c.reason}`);
  return c.message;
}

async function mailTo(recipientId: string, locale: 'zh-CN' | 'en' = 'zh-CN'): Promise<RenderedEmail> {
  const d = (await escalationDeliveries()).find(
    (x) => x.recipient_id === recipientId && x.channel === 'email',
  );
  if (!d) throw new Error(`no escalation e-mail to ${recipientId}`);
  const message = await composed(d);
  return renderEmail({
    delivery: { ...d, locale },
    alert: message.item,
    items: message.items,
    ackLink: (a) => message.ackLink(a, d.recipient_id, ESCALATED_AT),
    now: ESCALATED_AT,
  });
}

beforeAll(async () => {
  await seedDirectory(db.pool);
  await db.pool.query(
    `INSERT INTO official (id, name_zh, name_en, years) VALUES
       ('lu_qinglei', '卢庆雷', 'Lu Qinglei', '{2021}'), ('hou_jianmei', '侯健美', 'Hou Jianmei', '{2021}')`,
  );
  await db.pool.query(
    `INSERT INTO contact (id, name_zh, unit_id, official_id, role, email, mobile, locale, year_from, is_district_leadership) VALUES
       ('official.lu', '卢庆雷', NULL, 'lu_qinglei', '牵头领导', 'lu@example.gov.cn', '+8613800000111', 'zh-CN', 2021, false),
       ('official.hou', '侯健美', NULL, 'hou_jianmei', '牵头领导', 'hou@example.gov.cn', '+8613800000112', 'zh-CN', 2021, false)`,
  );
  await db.pool.query(
    `INSERT INTO plan (id, district_id, year, name_zh, name_en) VALUES ('tongzhou-2021', 'tongzhou', 2021, '2021', '2021')`,
  );
  await insertTask('TZ21-AIR-001', '调整能源结构', ['ni_decai']);
  await insertTask('TZ21-AIR-002', '强化移动源污染防治', ['ni_decai', 'lu_qinglei']);
  await insertTask('TZ21-AIR-003', '加强扬尘污染管控', ['lu_qinglei']);
  await insertTask('TZ21-AIR-004', '加强餐饮油烟治理', ['hou_jianmei']);
  await insertTask('TZ21-AIR-005', '完善监测体系', []);
  await db.pool.query(
    `INSERT INTO task_progress (task_id, unit_id, month, status, reported_by, reported_via)
     VALUES ('TZ21-AIR-004', 'eeb', '2021-03-01', 'in_progress', 'eeb', 'api')`,
  );
  const run = (now: Date) =>
    syncReportReminders(db.pool, {
      now,
      settings,
      smsEnabled: true,
      cutoffDay: config.TASK_REPORT_CUTOFF_DAY,
      escalateAfterWorkingDays: config.TASK_REPORT_ESCALATE_AFTER_WORKING_DAYS,
    });
  expect((await run(shanghaiInstant('2021-03-25', 9, 0))).reminded).toBe(1);
  expect((await run(ESCALATED_AT)).escalated).toBe(1);
}, 120_000);

describe('the 督办 escalation of a unit that did not report', () => {
  it('reaches the unit and the officials leading its unreported tasks, not one whose task was reported', async () => {
    const recipients = [...new Set((await escalationDeliveries()).map((d) => d.recipient_id))];
    expect(recipients).toEqual(['eeb.duty', 'official.lu', 'official.ni']);
  });

  it('tells each lead official the unreported tasks they lead, by name, and how many more the unit owes', async () => {
    const ni = await mailTo('official.ni');
    expect(ni.subject).toBe('【督办】区生态环境局2021年3月有2项您牵头的任务进展逾期未上报');
    expect(ni.text).toContain('您是以下任务的牵头领导。责任单位逾期未上报月度任务进展，请督办。');
    expect(ni.text).toContain(
      '区生态环境局在截止日（3月25日）提醒后，截至3月30日仍有4项任务未上报2021年3月进展情况，其中由您牵头的2项如下：\n' +
        '调整能源结构（TZ21-AIR-001），时限：年底前\n' +
        '强化移动源污染防治（TZ21-AIR-002），时限：年底前\n',
    );
    expect(ni.text).not.toContain('TZ21-AIR-003');
    const lu = await mailTo('official.lu');
    expect(lu.text).toContain('强化移动源污染防治（TZ21-AIR-002）');
    expect(lu.text).toContain('加强扬尘污染管控（TZ21-AIR-003）');
    expect(lu.text).not.toContain('TZ21-AIR-001');
    expect(lu.html).toContain('加强扬尘污染管控（TZ21-AIR-003），时限：年底前');
  });

  it('an official reading English gets the same list', async () => {
    const ni = await mailTo('official.ni', 'en');
    expect(ni.subject).toBe('[Follow-up] EEB: 2 task(s) you lead not reported for 2021-03');
    expect(ni.text).toContain('调整能源结构 (TZ21-AIR-001), due: 年底前');
    expect(ni.text).toContain(
      'the EEB still had not reported 2021-03 progress on 4 task(s) by 2021-03-30; you lead 2 of them:',
    );
  });

  it("the unit itself still reads its whole list, and the alert keeps the unit's text", async () => {
    const unit = await mailTo('eeb.duty');
    expect(unit.subject).toBe('【督办】区生态环境局2021年3月任务进展逾期未上报（4项）');
    expect(unit.text).toContain(
      '调整能源结构（TZ21-AIR-001）、强化移动源污染防治（TZ21-AIR-002）、加强扬尘污染管控（TZ21-AIR-003）、完善监测体系（TZ21-AIR-005）',
    );
    expect(unit.text).toMatch(/^贵单位月度任务进展已逾期未上报，已报牵头领导督办，请尽快上报。/);
  });

  it('in a grouped message the official reads the same, their tasks only', async () => {
    const d = (await escalationDeliveries()).find(
      (x) => x.recipient_id === 'official.ni' && x.channel === 'email',
    )!;
    const c = await alertMessageSource(settings).compose(db.pool, { ...d, alert_id: null, step: 'group:1' }, [
      d.alert_id!,
    ]);
    if (!c.send) throw new Error(c.reason);
    expect(c.message.items.map((i) => i.titleZh)).toEqual([
      '【督办】区生态环境局2021年3月有2项您牵头的任务进展逾期未上报',
    ]);
    expect(c.message.items[0]!.bodyZh).not.toContain('TZ21-AIR-003');
  });

  it("a lead official's SMS counts the tasks they lead", async () => {
    const d = (await escalationDeliveries()).find(
      (x) => x.recipient_id === 'official.lu' && x.channel === 'sms',
    )!;
    const message = await composed(d);
    const sms = renderSmsFor({
      delivery: d,
      alert: message.item,
      items: message.items,
      signName: '通州生态环境',
      codes: {},
      now: ESCALATED_AT,
    });
    expect(sms.text).toBe(
      '【通州生态环境】任务提醒：区生态环境局3月有2项您牵头的任务进展逾期未报，详见邮件。',
    );
  });
});
