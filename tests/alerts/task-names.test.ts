/**
 * The task messages name a task as the plan writes it, the id in brackets after it (加强新污染物治理（TZ24-SOIL-032）),
 * where they listed bare ids; an SMS shortens the name, never the id. The names come from the seeded rows
 * (config/tasks), a row without its 重点任务 cell by its heading.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { taskOverdueText } from '../../services/alerts/task-overdue.js';
import { smsTaskWhat, shortenName, taskLabel } from '../../services/alerts/task-names.js';
import { taskHeadlines, type DueSoonTaskRow } from '../../services/alerts/task-reminder-queries.js';
import {
  dueSoonText,
  leadEscalationText,
  reportReminderText,
} from '../../services/alerts/task-reminder-text.js';
import type { AlertText } from '../../services/alerts/alert-queries.js';
import { renderSmsFor } from '../../services/notify/render-sms.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedPlansAndTasks } from '../tasks/task-fixtures.js';

const db = useTestDatabase();

beforeAll(async () => {
  await seedPlansAndTasks(db.pool);
});

/** TZ22-GEN-113's 重点任务 is 165 characters. */
const LONG =
  '加强干部队伍建设，突出“严、真、细、实、快”要求，大力倡导“马上就办、办就办好”的工作作风，坚决向任何形式的“躺平”“内卷”“圆滑官”等作派宣战';

function task(id: string, name: string): DueSoonTaskRow {
  return {
    id,
    key_task_zh: name,
    name_zh: name,
    deadline_zh: '年底前',
    due_on: '2024-12-31',
    lead_official_ids: [],
    main_unit_ids: ['eeb'],
    assist_unit_ids: [],
    district_id: 'tongzhou',
    pending_units_zh: ['区生态环境局'],
    alert_id: null,
    alert_condition: null,
  };
}

function sms(kind: string, text: AlertText, step = 'open:1', locale: 'zh-CN' | 'en' = 'zh-CN') {
  const item = {
    id: 1,
    kind,
    state: 'firing',
    titleZh: text.titleZh,
    titleEn: text.titleEn,
    bodyZh: text.bodyZh,
    bodyEn: text.bodyEn,
    facts: text.facts,
    firedAt: new Date('2024-12-20T01:00:00Z'),
    acknowledgedAt: null,
    acknowledgedBy: null,
  };
  return renderSmsFor({
    delivery: { step, locale },
    alert: step.startsWith('group') ? null : item,
    items: [item],
    signName: '通州生态环境',
    codes: {},
    now: new Date('2024-12-20T01:00:00Z'),
  }).text;
}

describe('task names in the task messages', () => {
  it('an overdue task by its name with its id in brackets: title, body, SMS', () => {
    const text = taskOverdueText({
      ...task('TZ24-SOIL-032', '加强新污染物治理'),
      plan_id: 'tongzhou-2024',
      pending_unit_ids: ['eeb'],
    });
    expect(text.titleZh).toBe('任务逾期未完成：加强新污染物治理（TZ24-SOIL-032）');
    expect(text.titleEn).toBe('Task overdue: 加强新污染物治理 (TZ24-SOIL-032)');
    expect(text.bodyZh).toMatch(
      /^任务「加强新污染物治理」（TZ24-SOIL-032）完成时限为「年底前」（2024-12-31）/,
    );
    expect(sms('task_overdue', text)).toBe(
      '【通州生态环境】任务提醒：加强新污染物治理（TZ24-SOIL-032）逾期未完成，详见邮件。',
    );
  });

  it('a long name is shortened in the SMS and the subject, the id kept whole', () => {
    const text = dueSoonText(task('TZ22-GEN-113', LONG), 7);
    const one = sms('task_due_soon', text);
    expect(one).toBe(
      '【通州生态环境】任务提醒：加强干部队伍建设…（TZ22-GEN-113）剩7个工作日到期，详见邮件。',
    );
    expect([...one].length).toBeLessThanOrEqual(70);
    expect(text.titleZh).toBe(
      '【任务到期提醒】加强干部队伍建设，突出“严、真、细、实、快”要求…（TZ22-GEN-113）距完成时限还有7个工作日',
    );
    // The body has the name in full.
    expect(text.bodyZh).toContain(`「${LONG}」（TZ22-GEN-113）`);
    // In a grouped SMS too, the task's own SMS words, not its title cut off before the id.
    expect(sms('task_due_soon', text, 'group:1')).toContain('（TZ22-GEN-113）');
    // English words leave no room for the Chinese name: the id, whole.
    expect(sms('task_due_soon', text, 'open:1', 'en')).toBe(
      '【通州生态环境】Task reminder: TZ22-GEN-113 due in 7 working days. See e-mail.',
    );
  });

  it('the monthly reminder lists the missing tasks by name, the 督办 to a lead official one per line', () => {
    const text = reportReminderText(
      {
        unit_id: 'eeb',
        unit_zh: '区生态环境局',
        unit_en: 'EEB',
        district_id: 'tongzhou',
        owed: 3,
        missing_task_ids: ['TZ24-AIR-001', 'TZ24-AIR-014'],
        missing_task_names: ['空气质量目标', LONG],
        lead_official_ids: [],
        missing_by_lead: {},
      },
      { month: '2024-11', cutoff: '2024-11-25', escalateOn: '2024-11-28' },
    );
    expect(text.bodyZh).toContain(
      '进展情况：空气质量目标（TZ24-AIR-001）、加强干部队伍建设…（TZ24-AIR-014）。',
    );
    expect(text.bodyEn).toContain('空气质量目标 (TZ24-AIR-001); 加强干部队伍建设… (TZ24-AIR-014).');
    const lead = leadEscalationText(
      {
        unitZh: '区生态环境局',
        unitEn: 'EEB',
        month: '2024-11',
        cutoff: '2024-11-25',
        escalateOn: '2024-11-28',
        missing: 2,
      },
      [{ id: 'TZ24-AIR-001', key_task_zh: '空气质量目标', name_zh: '空气质量目标', deadline_zh: '年底前' }],
    );
    expect(lead.bodyZh.split('\n')[1]).toBe('空气质量目标（TZ24-AIR-001），时限：年底前');
  });

  it('a row that lost its 重点任务 cell is named by its heading; a name is cut at a clause break', async () => {
    const [row] = await taskHeadlines(db.pool, ['TZ20-AIR-001']);
    expect(row!.key_task_zh).toBe('');
    expect(row!.name_zh).toBe('空气质量目标');
    expect(taskLabel(row!)).toBe('空气质量目标（TZ20-AIR-001）');
    const river = '纵深推进水环境建设，实施通惠河、港沟河等骨干河道景观提升及生态修复工程';
    expect(shortenName(river, 20)).toBe('纵深推进水环境建设…');
    expect(shortenName(river, 8)).toBe('纵深推进水环境…');
    expect(shortenName('提升固体废物收运处置能力', 20)).toBe('提升固体废物收运处置能力');
    expect(smsTaskWhat({ id: 'TZ24-AIR-001', name_zh: '' }, '逾期未完成')).toBe('任务TZ24-AIR-001逾期未完成');
  });
});
