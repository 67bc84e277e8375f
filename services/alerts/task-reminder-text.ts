/**
 * What the task reminders say (issue #16 item 3), in Chinese first: the monthly cut-off reminder to a unit,
 * its escalation to the lead officials (督办), and the 30/7/1-working-day deadline reminders. The intro
 * facts replace notify's target wording ("该目标…"): these alerts are about a unit's reports and tasks.
 */
import { parseDay } from '../time/shanghai.js';
import type { AlertText } from './alert-queries.js';
import type { DueSoonTaskRow, TaskHeadlineRow, UnreportedUnitRow } from './task-reminder-queries.js';
import { NAME_MAX, smsTaskWhat, taskLabel, taskLabelEn, type NamedTask } from './task-names.js';

/** How many tasks a message lists before "等N项" (the list stays a paragraph). */
const LIST_MAX = 8;
/** A name in a list of several: enough to recognise it, the id finds the rest. */
const LIST_NAME_MAX = 20;

export const monthZh = (month: string) => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
const dayZh = (day: string) => {
  const d = parseDay(day);
  return `${d.month}月${d.dayOfMonth}日`;
};

/** The unit's tasks by name with their ids: 调整能源结构（TZ21-AIR-001）、…等N项. */
function listTasks(u: UnreportedUnitRow, en = false): string {
  const named: NamedTask[] = u.missing_task_ids.map((id, i) => ({
    id,
    name_zh: u.missing_task_names[i] ?? '',
  }));
  const label = en ? taskLabelEn : taskLabel;
  const shown = named
    .slice(0, LIST_MAX)
    .map((t) => label(t, LIST_NAME_MAX))
    .join(en ? '; ' : '、');
  if (named.length <= LIST_MAX) return shown;
  return en ? `${shown} and ${named.length - LIST_MAX} more` : `${shown}等${named.length}项`;
}

export interface ReportReminderWhen {
  month: string;
  cutoff: string;
  escalateOn: string;
}

export function reportReminderText(u: UnreportedUnitRow, w: ReportReminderWhen): AlertText {
  const n = u.missing_task_ids.length;
  return {
    titleZh: `【进展上报提醒】${u.unit_zh}${monthZh(w.month)}任务进展未上报（${n}项）`,
    titleEn: `[Progress report due] ${u.unit_en}: ${n} task(s) not reported for ${w.month}`,
    bodyZh:
      `${u.unit_zh}尚有${n}项任务未上报${monthZh(w.month)}进展情况：${listTasks(u)}。` +
      `本月上报截止日为${dayZh(w.cutoff)}；${dayZh(w.escalateOn)}仍未上报的，将报牵头领导督办。`,
    bodyEn:
      `${u.unit_en} has not reported ${w.month} progress on ${n} task(s): ${listTasks(u, true)}. ` +
      `The cut-off is ${w.cutoff}; still missing on ${w.escalateOn}, the lead officials are told.`,
    facts: {
      unit: u.unit_id,
      month: w.month,
      missing: n,
      cutoff: w.cutoff,
      whatZh: `${u.unit_zh}${Number(w.month.slice(5, 7))}月有${n}项任务进展未上报，截止${dayZh(w.cutoff)}`,
      whatEn: `${u.unit_en}: ${n} task report(s) for ${w.month} missing (cut-off ${w.cutoff})`,
      introZh:
        '请尽快通过envwatch（任务进展页面、接口或台账导入）上报以下任务的本月进展情况，并点击下方链接确认收到。',
      introEn:
        'Please report this month’s progress on the tasks below (dashboard, API or 台账 import) and acknowledge.',
    },
  };
}

export function reportEscalationText(u: UnreportedUnitRow, w: ReportReminderWhen): AlertText {
  const n = u.missing_task_ids.length;
  return {
    titleZh: `【督办】${u.unit_zh}${monthZh(w.month)}任务进展逾期未上报（${n}项）`,
    titleEn: `[Follow-up] ${u.unit_en}: ${w.month} progress still not reported (${n} task(s))`,
    bodyZh:
      `${u.unit_zh}在截止日（${dayZh(w.cutoff)}）提醒后，截至${dayZh(w.escalateOn)}仍有${n}项任务未上报` +
      `${monthZh(w.month)}进展情况：${listTasks(u)}。`,
    bodyEn:
      `Reminded on the cut-off (${w.cutoff}), ${u.unit_en} still had not reported ${w.month} progress on ` +
      `${n} task(s) by ${w.escalateOn}: ${listTasks(u, true)}.`,
    facts: {
      unit: u.unit_id,
      month: w.month,
      missing: n,
      cutoff: w.cutoff,
      unitZh: u.unit_zh,
      unitEn: u.unit_en,
      escalateOn: w.escalateOn,
      // Who leads which of the missing tasks, as escalated: each lead official's message names only theirs
      // (leadEscalationText, composed per recipient in delivery-messages.ts).
      tasksByLead: u.missing_by_lead,
      whatZh: `${u.unit_zh}${Number(w.month.slice(5, 7))}月${n}项任务进展逾期未报，已报牵头领导`,
      whatEn: `${u.unit_en}: ${n} task report(s) for ${w.month} overdue`,
      introZh: '贵单位月度任务进展已逾期未上报，已报牵头领导督办，请尽快上报。',
      introEn:
        'Your monthly progress reports are overdue and the lead officials have been told: please report now.',
      leadIntroZh: '您是以下任务的牵头领导。责任单位逾期未上报月度任务进展，请督办。',
      leadIntroEn:
        'You lead these tasks. The unit has not reported its monthly progress after the cut-off: please follow up.',
    },
  };
}

/** One line of a lead official's list: 名称（ID），时限：年底前. */
const lineOf = (t: TaskHeadlineRow, en: boolean) => {
  const label = en ? taskLabelEn(t, NAME_MAX) : taskLabel(t, NAME_MAX);
  if (t.deadline_zh === '') return label;
  return en ? `${label}, due: ${t.deadline_zh}` : `${label}，时限：${t.deadline_zh}`;
};

/** The words of a 督办 escalation as one lead official receives it (replacing the unit's whole list). */
export interface LeadEscalationWords {
  titleZh: string;
  titleEn: string;
  bodyZh: string;
  bodyEn: string;
  whatZh: string;
  whatEn: string;
}

/**
 * The escalation told to one lead official: the unit's unreported tasks that official leads, each by its
 * 重点任务 with its id in brackets, and its 完成时限 (an id alone means nothing to an official), all of them — the official follows up on
 * every one, and has no task page of the unit to look them up — after one line with the unit's count.
 * `f` are the escalation's facts (reportEscalationText).
 */
export function leadEscalationText(
  f: { unitZh: string; unitEn: string; month: string; cutoff: string; escalateOn: string; missing: number },
  led: readonly TaskHeadlineRow[],
): LeadEscalationWords {
  const k = led.length;
  const others = f.missing - k;
  const m = Number(f.month.slice(5, 7));
  const linesZh = led.map((t) => lineOf(t, false));
  const linesEn = led.map((t) => lineOf(t, true));
  // One line opens with the unit's count and the official's share; the tasks follow one per line.
  const shareZh = others > 0 ? `其中由您牵头的${k}项如下：` : '均由您牵头：';
  const shareEn = others > 0 ? `you lead ${k} of them:` : 'you lead them all:';
  return {
    titleZh: `【督办】${f.unitZh}${monthZh(f.month)}有${k}项您牵头的任务进展逾期未上报`,
    titleEn: `[Follow-up] ${f.unitEn}: ${k} task(s) you lead not reported for ${f.month}`,
    bodyZh: [
      `${f.unitZh}在截止日（${dayZh(f.cutoff)}）提醒后，截至${dayZh(f.escalateOn)}仍有${f.missing}项任务未上报` +
        `${monthZh(f.month)}进展情况，${shareZh}`,
      ...linesZh,
    ].join('\n'),
    bodyEn: [
      `Reminded on the cut-off (${f.cutoff}), the ${f.unitEn} still had not reported ${f.month} progress on ` +
        `${f.missing} task(s) by ${f.escalateOn}; ${shareEn}`,
      ...linesEn,
    ].join('\n'),
    whatZh: `${f.unitZh}${m}月有${k}项您牵头的任务进展逾期未报`,
    whatEn: `${f.unitEn}: ${k} task report(s) you lead for ${f.month} overdue`,
  };
}

export function dueSoonText(t: DueSoonTaskRow, workingDays: number): AlertText {
  const pending = t.pending_units_zh.join('、');
  const name = t.name_zh.trim();
  return {
    titleZh: `【任务到期提醒】${taskLabel(t)}距完成时限还有${workingDays}个工作日`,
    titleEn: `[Task due soon] ${taskLabelEn(t)}: due in ${workingDays} working day(s)`,
    bodyZh:
      `任务${name === '' ? '' : `「${name}」`}（${t.id}）完成时限为「${t.deadline_zh}」（${t.due_on}），还有${workingDays}个工作日到期。` +
      `尚未上报已完成的主责单位：${pending}。`,
    bodyEn:
      `Task ${name === '' ? '' : `“${name}” `}(${t.id}) is due ${t.due_on} ("${t.deadline_zh}"), in ${workingDays} working day(s). ` +
      `Main units not done: ${pending}.`,
    facts: {
      task: t.id,
      due: t.due_on,
      workingDays,
      // The SMS: the name shortened to what the id and the days leave of 35 characters.
      whatZh: smsTaskWhat(t, `剩${workingDays}个工作日到期`),
      whatEn: smsTaskWhat(t, ` due in ${workingDays} working day${workingDays === 1 ? '' : 's'}`, true),
      introZh: '贵单位为该任务的责任单位，请抓紧推进，完成后在envwatch上报“已完成”。',
      introEn:
        'Your unit answers for this task: please push it forward and report it done in envwatch when it is.',
    },
  };
}
