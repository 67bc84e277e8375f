/** Picks the approved SMS template for a delivery step and fills its variables from the alert's facts. */
import type { MessageItem } from './message.js';
import type { DeliveryRow } from './delivery-queries.js';
import { hoursSince, parseStep } from './message-parts.js';
import { renderSms, type RenderedSms, type SmsTemplateName } from './sms-templates.js';

export interface SmsRenderInput {
  delivery: Pick<DeliveryRow, 'step' | 'locale'>;
  alert: MessageItem | null;
  digestCount?: number;
  /** A group message's items, most severe first. */
  items?: readonly MessageItem[];
  signName: string;
  codes: Readonly<Record<string, string>>;
  /** The provider's cap per template variable. */
  variableMax?: number;
  /** The SMS acknowledgement link (alert and escalation messages), or null for none. */
  ack?: { base: string; segments: number; code: string } | null;
  now: Date;
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

export function renderSmsFor(input: SmsRenderInput): RenderedSms {
  const en = input.delivery.locale === 'en';
  const locale = en ? 'en' : 'zh-CN';
  const { kind } = parseStep(input.delivery.step);
  const done = (name: SmsTemplateName, vars: Record<string, string>) =>
    renderSms(name, locale, vars, input.signName, input.codes, input.variableMax);
  const ack = input.ack ?? null;
  // The link asks the recipient to act: only on the messages that ask for an acknowledgement.
  const withAck = (name: 'alert' | 'escalation', vars: Record<string, string>) =>
    ack
      ? renderSms(
          `${name}_ack`,
          locale,
          { ...vars, code: ack.code },
          input.signName,
          input.codes,
          input.variableMax,
          ack,
        )
      : done(name, vars);
  if (kind === 'digest') return done('digest', { count: String(input.digestCount ?? 0) });
  if (kind === 'group') {
    const first = input.items?.[0];
    const title = first ? (en ? first.titleEn : first.titleZh) : '';
    // A plan task's SMS words (whatZh) are sized to keep its id; its title, cut to fit from the end, loses the
    // id after a long task name (任务逾期未完成：…（TZ24-SOIL-0…).
    const taskWhat = first?.kind.startsWith('task_') ? str(en ? first.facts.whatEn : first.facts.whatZh) : '';
    return done('group', {
      count: String(input.items?.length ?? 0),
      first: taskWhat || title.replace(/^【[^】]*】/, ''),
    });
  }
  const a = input.alert;
  if (!a) throw new Error(`delivery step ${input.delivery.step} has no alert`);
  const f = a.facts;
  if (a.kind === 'heavy_pollution_warning') {
    const area = str(en ? f.areaEn : f.areaZh);
    const level = str(en ? f.levelEn : f.levelZh);
    return kind === 'warning_lifted'
      ? done('warning_lifted', { area, level, time: str(en ? f.liftedEn : f.liftedZh) })
      : done('warning', { area, level, time: str(en ? f.startEn : f.startZh) });
  }
  if (a.kind !== 'target') {
    const what = str(en ? f.whatEn : f.whatZh);
    return done(a.kind.startsWith('task_') ? 'task' : 'operational', {
      what: kind === 'resolved' ? `${what}${en ? ' (resolved)' : '已恢复'}` : what,
    });
  }
  const scope = str(en ? f.scopeEn : f.scopeZh);
  const target = str(en ? f.targetEn : f.targetZh);
  const status = str(en ? f.statusEn : f.statusZh);
  const period = str(f.period);
  switch (kind) {
    case 'escalation':
      return withAck('escalation', {
        scope,
        target,
        status,
        hours: String(hoursSince(a.firedAt, input.now)),
      });
    case 'deadline':
      return done('deadline', { scope, target, deadline: str(f.deadline) });
    case 'resolved':
      return done('resolved', { scope, target, period });
    default:
      return withAck('alert', { scope, target, period, status });
  }
}
