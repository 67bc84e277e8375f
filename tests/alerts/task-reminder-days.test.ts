/**
 * The calendar arithmetic of the task reminders, without a database: the cut-off moves forward to the next
 * working day (a 调休 Sunday counts), the escalation counts working days across a month end and a holiday,
 * a late run sends only the nearest deadline reminder reached and only within its catch-up days, and a bad reminder list is refused at boot
 * naming the key and what was expected.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { dueReminder } from '../../services/alerts/task-deadline-reminders.js';
import { reportSchedule } from '../../services/alerts/task-report-reminders.js';
import { reportEscalationText } from '../../services/alerts/task-reminder-text.js';
import { renderSmsFor } from '../../services/notify/render-sms.js';
import { createWorkingCalendar, shiftWorkingDays } from '../../services/time/working-days.js';

const cal = createWorkingCalendar();

describe('task reminder days', () => {
  it('moves a cut-off on a weekend or holiday to the next working day', () => {
    expect(reportSchedule(cal, '2021-09', 25, 3)).toEqual({
      month: '2021-09',
      cutoff: '2021-09-26', // Saturday → the 国庆 调休 Sunday
      escalateOn: '2021-09-29',
    });
    expect(reportSchedule(cal, '2021-12', 25, 3).cutoff).toBe('2021-12-27');
    // Cut-off day 28 in September 2024: Saturday 09-28 → the 调休 Sunday 09-29; its escalation skips the
    // 国庆 holiday (10-01..10-07): 09-30, 10-08, 10-09.
    expect(reportSchedule(cal, '2024-09', 28, 3)).toEqual({
      month: '2024-09',
      cutoff: '2024-09-29',
      escalateOn: '2024-10-09',
    });
  });

  it('counts working days back from a due date, skipping weekends and holidays', () => {
    expect(shiftWorkingDays(cal, '2021-11-15', -1)).toBe('2021-11-12');
    expect(shiftWorkingDays(cal, '2021-11-15', -7)).toBe('2021-11-04');
    expect(shiftWorkingDays(cal, '2021-11-15', -30)).toBe('2021-09-28');
  });

  it('gives the nearest reminder reached, so a late run never sends a burst', () => {
    expect(dueReminder(cal, '2021-09-27', '2021-11-15', [30, 7, 1], 2)).toBeNull();
    expect(dueReminder(cal, '2021-09-28', '2021-11-15', [30, 7, 1], 2)).toBe(30);
    expect(dueReminder(cal, '2021-11-10', '2021-11-15', [30, 7, 1], 10)).toBe(7);
    expect(dueReminder(cal, '2021-11-14', '2021-11-15', [30, 7, 1], 2)).toBe(1);
  });

  it('sends a reminder up to the catch-up working days after its day, never older', () => {
    // The 7-day reminder of 11-15 is Thursday 11-04; two working days later is Monday 11-08.
    expect(dueReminder(cal, '2021-11-06', '2021-11-15', [30, 7, 1], 2)).toBe(7); // Saturday
    expect(dueReminder(cal, '2021-11-08', '2021-11-15', [30, 7, 1], 2)).toBe(7);
    expect(dueReminder(cal, '2021-11-09', '2021-11-15', [30, 7, 1], 2)).toBeNull();
    expect(dueReminder(cal, '2021-11-05', '2021-11-15', [30, 7, 1], 0)).toBeNull();
    expect(dueReminder(cal, '2021-11-04', '2021-11-15', [30, 7, 1], 0)).toBe(7);
  });

  it('parses the reminder list largest first and refuses a bad one by name', () => {
    const base = { APP_SECRET: 'a-test-secret-that-is-at-least-32-characters' };
    expect(
      loadConfig({ ...base, TASK_DEADLINE_REMINDER_WORKING_DAYS: '1, 30,7,7' })
        .TASK_DEADLINE_REMINDER_WORKING_DAYS,
    ).toEqual([30, 7, 1]);
    expect(() => loadConfig({ ...base, TASK_DEADLINE_REMINDER_WORKING_DAYS: '30,a week' })).toThrow(
      /TASK_DEADLINE_REMINDER_WORKING_DAYS.*working days before the due date, e\.g\. 30,7,1/s,
    );
    expect(() => loadConfig({ ...base, TASK_REPORT_CUTOFF_DAY: '31' })).toThrow(/TASK_REPORT_CUTOFF_DAY/);
    expect(() => loadConfig({ ...base, TASK_DEADLINE_REMINDER_CATCH_UP_WORKING_DAYS: '-1' })).toThrow(
      /TASK_DEADLINE_REMINDER_CATCH_UP_WORKING_DAYS/,
    );
  });

  it('the SMS of a task reminder is a task reminder, not an operations notice, and fits one message', () => {
    const text = reportEscalationText(
      {
        unit_id: 'eeb',
        unit_zh: '区生态环境局',
        unit_en: 'Ecology and Environment Bureau',
        district_id: 'tongzhou',
        owed: 3,
        missing_task_ids: ['TZ24-AIR-001', 'TZ24-AIR-014'],
        missing_task_names: ['空气质量目标', '强化扬尘污染治理'],
        lead_official_ids: ['yao_weilong'],
        missing_by_lead: { yao_weilong: ['TZ24-AIR-001'] },
      },
      { month: '2024-11', cutoff: '2024-11-25', escalateOn: '2024-11-28' },
    );
    const sms = renderSmsFor({
      delivery: { step: 'unreported:lead:2', locale: 'zh-CN' },
      alert: {
        id: 1,
        kind: 'task_report_missing',
        state: 'firing',
        titleZh: text.titleZh,
        titleEn: text.titleEn,
        bodyZh: text.bodyZh,
        bodyEn: text.bodyEn,
        facts: text.facts,
        firedAt: new Date('2024-11-25T01:00:00Z'),
        acknowledgedAt: null,
        acknowledgedBy: null,
      },
      signName: '通州生态环境',
      codes: {},
      now: new Date('2024-11-28T01:00:00Z'),
    });
    expect(sms.text).toBe(
      '【通州生态环境】任务提醒：区生态环境局11月2项任务进展逾期未报，已报牵头领导，详见邮件。',
    );
    expect(sms.text.length).toBeLessThanOrEqual(70);
  });
});
