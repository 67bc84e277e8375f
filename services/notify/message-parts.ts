/**
 * What a delivery step means for the words of its message: the step key (stored on the delivery) names
 * the occasion — open:1, breached:1, escalation:1:1 (lead officials), escalation:2:1 (deadline passed,
 * leadership), resolved:1, level:orange / lifted (heavy-pollution warnings), digest:<day>, group:<ms> (one
 * person's grouped message, group-deliveries.ts) — with
 * "~fallback" appended when it is the fallback channel of a failed delivery.
 */
import type { MessageItem } from './message.js';

export type StepKind =
  | 'open'
  | 'breached'
  | 'escalation'
  | 'deadline'
  | 'resolved'
  | 'warning'
  | 'warning_lifted'
  | 'digest'
  | 'group';

export function parseStep(step: string): { kind: StepKind; fallback: boolean } {
  const fallback = step.endsWith('~fallback');
  const s = fallback ? step.slice(0, -'~fallback'.length) : step;
  const [head, second] = s.split(':');
  switch (head) {
    case 'escalation':
      return { kind: second === '2' ? 'deadline' : 'escalation', fallback };
    case 'level':
      return { kind: 'warning', fallback };
    case 'lifted':
      return { kind: 'warning_lifted', fallback };
    case 'open':
    case 'breached':
    case 'resolved':
    case 'digest':
    case 'group':
      return { kind: head, fallback };
    default:
      return { kind: 'open', fallback };
  }
}

/** The title without its leading 【status】 tag, for subjects that carry their own tag. */
export function bareTitle(title: string): string {
  return title.replace(/^【[^】]*】|^\[[^\]]*\]\s*/, '');
}

export function hoursSince(from: Date, now: Date): number {
  return Math.max(1, Math.round((now.getTime() - from.getTime()) / 3_600_000));
}

export interface Words {
  subject: string;
  intro: string;
}

export function wordsFor(alert: MessageItem, role: string, kind: StepKind, en: boolean, now: Date): Words {
  const title = en ? alert.titleEn : alert.titleZh;
  const bare = bareTitle(title);
  const deadline = String(alert.facts.deadline ?? '');
  const hours = hoursSince(alert.firedAt, now);
  switch (kind) {
    case 'escalation':
      return en
        ? {
            subject: `[Follow-up] ${bare}`,
            intro: `You lead this target. The main unit has not acknowledged this alert for ${hours} hours: please follow up.`,
          }
        : {
            subject: `【督办】${title}`,
            intro: `您是该目标的牵头领导。主责单位已超过${hours}小时未确认该预警，请督办。`,
          };
    case 'deadline':
      return en
        ? {
            subject: `[Deadline passed] ${bare}`,
            intro: `The deadline ${deadline} has passed and the target is still not met; reported to the district leadership.`,
          }
        : {
            subject: `【逾期未达标】${bare}`,
            intro: `该目标完成期限（${deadline}）已过仍未达标，报请区领导关注。`,
          };
    case 'resolved':
      return en
        ? {
            subject: `[Resolved] ${bare}`,
            intro: 'The data show the target is met again; nothing more to do.',
          }
        : { subject: `【已恢复】${bare}`, intro: '最新数据显示该目标已恢复达标，无需进一步处理。' };
    case 'warning':
    case 'warning_lifted':
      return { subject: title, intro: warningIntro(role, kind === 'warning_lifted', en) };
    default:
      return {
        subject: title,
        intro: ownIntro(alert, role, en) ?? roleIntro(role, en, typeof alert.facts.task === 'string'),
      };
  }
}

/**
 * An alert that is not about a target says what it asks of each role in its facts (introZh / introEn, and
 * leadIntroZh / leadIntroEn for the lead officials): the task reminders speak of reports and tasks.
 */
export function ownIntro(alert: MessageItem, role: string, en: boolean): string | null {
  const f = alert.facts;
  const own = role === 'lead' ? (en ? f.leadIntroEn : f.leadIntroZh) : null;
  const any = own ?? (en ? f.introEn : f.introZh);
  return typeof any === 'string' && any !== '' ? any : null;
}

/** `task`: the alert is about a plan task (e.g. overdue), which a unit is told about as 任务, not 目标. */
function roleIntro(role: string, en: boolean, task = false): string {
  const noun = task ? '任务' : '目标';
  const zh: Record<string, string> = {
    main: `贵单位为该${noun}的主责单位，请核实情况、落实整改，并点击下方链接确认收到。`,
    assist: `贵单位为该${noun}的协办单位，抄送知悉，请配合主责单位做好相关工作。`,
    lead: `您是该${noun}的牵头领导，特此告知。`,
    leadership: '报请区领导关注。',
    ops: '运维提醒，请及时处理。',
  };
  const english: Record<string, string> = {
    main: `Your unit is responsible for this ${task ? 'task' : 'target'}: please check, act, and acknowledge with the link below.`,
    assist: `Your unit assists on this ${task ? 'task' : 'target'}; this copy is for your information.`,
    lead: `You lead this ${task ? 'task' : 'target'}; for your information.`,
    leadership: 'For the attention of the district leadership.',
    ops: 'Operations notice: please look into it.',
  };
  return (en ? english : zh)[role] ?? (en ? english.main! : zh.main!);
}

function warningIntro(role: string, lifted: boolean, en: boolean): string {
  if (lifted) return en ? 'The warning has been lifted.' : '预警已解除，请按要求恢复正常工作秩序。';
  if (role === 'area') {
    return en
      ? 'Streets/towns: apply the measures in your area and enforce the fireworks ban.'
      : '请各街道乡镇落实辖区应急措施，加强烟花爆竹禁售禁放宣传和巡查。';
  }
  return en
    ? 'Member units of the heavy-pollution command: apply the emergency measures now.'
    : '请空气重污染应急指挥部各成员单位立即落实应急减排措施。';
}
