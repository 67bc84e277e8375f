/**
 * The SMS templates, as they are filed with the provider for approval: fixed text with ${variables}; free
 * text is not allowed (standards.md §9). The service checks length itself instead of waiting for the
 * provider to refuse: a message of at most 70 characters, signature 【…】 included, is one billed SMS (160
 * when every character is GSM-7, which a Chinese signature never is). Long variables — a street name, a
 * target title — are shortened with "…" until the message fits; provider rules also cap each variable
 * (Aliyun 35 characters for notices, Tencent less; SMS_VARIABLE_MAX). A template whose fixed text alone does not fit is a permanent error.
 */
import { ValidationError } from '../errors.js';

export type SmsTemplateName =
  | 'alert'
  | 'alert_ack'
  | 'escalation'
  | 'escalation_ack'
  | 'deadline'
  | 'resolved'
  | 'warning'
  | 'warning_lifted'
  | 'operational'
  | 'task'
  | 'digest'
  | 'group';

/**
 * Stands for SMS_ACK_BASE_URL in the *_ack templates. Both providers refuse a link in a variable: the
 * link's domain is fixed text of the template as filed for approval, and only the token varies.
 */
export const ACK_BASE = '{ACK_BASE}';

interface TemplateText {
  text: string;
  /** Variables that may be shortened to fit, most expendable first. */
  shrink: readonly string[];
}

export const SMS_TEMPLATES: Record<SmsTemplateName, { zh: TemplateText; en: TemplateText }> = {
  alert: {
    zh: {
      text: '${scope}“${target}”（${period}）${status}，请及时核查处置并确认。',
      shrink: ['target', 'scope'],
    },
    en: { text: '${scope} ${target} (${period}): ${status}. Please act.', shrink: ['target', 'scope'] },
  },
  alert_ack: {
    zh: {
      text: `\${scope}“\${target}”（\${period}）\${status}，请核查处置。确认：${ACK_BASE}/a/\${code}`,
      shrink: ['target', 'scope'],
    },
    en: {
      text: `\${scope} \${target} (\${period}): \${status}. Ack: ${ACK_BASE}/a/\${code}`,
      shrink: ['target', 'scope'],
    },
  },
  escalation_ack: {
    zh: {
      text: `\${scope}“\${target}”\${status}，\${hours}小时未确认，请督办。确认：${ACK_BASE}/a/\${code}`,
      shrink: ['target', 'scope'],
    },
    en: {
      text: `\${scope} \${target}: \${status}, no ack in \${hours}h. Ack: ${ACK_BASE}/a/\${code}`,
      shrink: ['target', 'scope'],
    },
  },
  escalation: {
    zh: { text: '${scope}“${target}”${status}，${hours}小时未确认，请督办。', shrink: ['target', 'scope'] },
    en: { text: '${scope} ${target}: ${status}, no ack in ${hours}h.', shrink: ['target', 'scope'] },
  },
  deadline: {
    zh: { text: '${scope}“${target}”期限${deadline}已过仍未达标，请关注。', shrink: ['target', 'scope'] },
    en: { text: '${scope} ${target}: unmet after ${deadline}.', shrink: ['target', 'scope'] },
  },
  resolved: {
    zh: { text: '${scope}“${target}”（${period}）已恢复达标。', shrink: ['target', 'scope'] },
    en: { text: '${scope} ${target} (${period}) is met again.', shrink: ['target', 'scope'] },
  },
  warning: {
    zh: {
      text: '${area}${time}起启动空气重污染${level}预警，请落实应急减排措施；预警期间禁止燃放烟花爆竹。',
      shrink: ['area'],
    },
    en: { text: '${area}: ${level} smog alert from ${time}. No fireworks.', shrink: ['area'] },
  },
  warning_lifted: {
    zh: { text: '${area}空气重污染${level}预警已于${time}解除。', shrink: ['area'] },
    en: { text: '${area}: ${level} smog alert lifted ${time}.', shrink: ['area'] },
  },
  operational: {
    zh: { text: '运维提醒：${what}，详见邮件。', shrink: ['what'] },
    en: { text: 'envwatch ops: ${what}. See e-mail.', shrink: ['what'] },
  },
  // The plans' tasks (reminders, 督办, overdue): an official must not read them as an operations notice.
  task: {
    zh: { text: '任务提醒：${what}，详见邮件。', shrink: ['what'] },
    en: { text: 'Task reminder: ${what}. See e-mail.', shrink: ['what'] },
  },
  digest: {
    zh: { text: '今日有${count}条环境目标提示，详见汇总邮件。', shrink: [] },
    en: { text: '${count} target notices today, see the digest e-mail.', shrink: [] },
  },
  // One person's grouped message (group-deliveries.ts): how many, the most severe first, the rest by e-mail.
  group: {
    zh: { text: '${count}项环境目标预警，首项：${first}，详见邮件。', shrink: ['first'] },
    en: { text: '${count} envwatch alerts, first: ${first}. See e-mail.', shrink: ['first'] },
  },
};

export const SMS_VARIABLE_MAX = 35;

export class SmsTooLongError extends ValidationError {
  override readonly code = 'SMS_TOO_LONG';
}

const GSM7 = /^[A-Za-z0-9 \r\n@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà]*$/;

/**
 * 70 characters per SMS with any non-GSM-7 character (every Chinese text), 160 otherwise; a message of
 * several segments carries a header in each, leaving 67 / 153 per segment (both providers bill per segment).
 */
export function smsLengthLimit(fullText: string, segments = 1): number {
  const gsm = GSM7.test(fullText);
  if (segments <= 1) return gsm ? 160 : 70;
  return segments * (gsm ? 153 : 67);
}

/** A template's text as filed with the provider: the fixed ack link domain filled in. */
export function approvedText(text: string, ackBase: string | null): string {
  return ackBase === null ? text : text.replaceAll(ACK_BASE, ackBase.replace(/\/+$/, ''));
}

export function fillTemplate(text: string, params: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) throw new ValidationError(`SMS template variable \${${k}} has no value`);
    return v;
  });
}

/** Character count as the providers count it: code points, not UTF-16 units. */
function len(s: string): number {
  return [...s].length;
}

function shorten(s: string, to: number): string {
  const chars = [...s];
  return chars.length <= to ? s : `${chars.slice(0, Math.max(0, to - 1)).join('')}…`;
}

export interface RenderedSms {
  template: SmsTemplateName;
  templateCode: string;
  params: Record<string, string>;
  /** The variables in the order the template text uses them (Tencent's parameters are positional). */
  paramOrder: string[];
  /** What the phone will show, signature included. */
  text: string;
}

/** `${a}…${b}…${a}` → ['a', 'b']. */
export function templateVariables(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!))];
}

export function renderSms(
  name: SmsTemplateName,
  locale: 'zh-CN' | 'en',
  vars: Readonly<Record<string, string>>,
  signName: string,
  codes: Readonly<Record<string, string>>,
  /** The provider's cap per variable (sms-channel.ts SmsLimits). */
  variableMax = SMS_VARIABLE_MAX,
  /** The *_ack templates: the link's fixed domain and how many segments the message may take. */
  ack: { base: string; segments: number } | null = null,
): RenderedSms {
  const filed = SMS_TEMPLATES[name][locale === 'en' ? 'en' : 'zh'];
  const t = { ...filed, text: approvedText(filed.text, ack?.base ?? null) };
  const segments = ack && t.text !== filed.text ? ack.segments : 1;
  const key = locale === 'en' ? `${name}_en` : name;
  const params: Record<string, string> = {};
  // The ack token is never shortened: a cut token is a dead link.
  for (const [k, v] of Object.entries(vars))
    params[k] = k === 'code' ? v : shorten(v.replace(/\s+/g, ' ').trim(), variableMax);
  const full = () => `【${signName}】${fillTemplate(t.text, params)}`;
  let text = full();
  while (len(text) > smsLengthLimit(text, segments)) {
    const candidate = t.shrink
      .filter((k) => len(params[k] ?? '') > 2)
      .sort((a, b) => len(params[b]!) - len(params[a]!))[0];
    if (!candidate) {
      throw new SmsTooLongError(
        `SMS template ${key} is ${len(text)} characters even with shortened variables`,
      );
    }
    params[candidate] = shorten(params[candidate]!, len(params[candidate]!) - 1);
    text = full();
  }
  return {
    template: name,
    templateCode: codes[key] ?? `ENVWATCH_${key.toUpperCase()}`,
    params,
    paramOrder: templateVariables(t.text),
    text,
  };
}

/** SMS_TEMPLATE_CODES: "alert=SMS_1001,alert_en=SMS_1002"; unknown names are refused (a typo would go unnoticed). */
export function parseTemplateCodes(spec: string): Record<string, string> {
  const known = new Set(Object.keys(SMS_TEMPLATES).flatMap((n) => [n, `${n}_en`]));
  const out: Record<string, string> = {};
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [name, code] = part.split('=').map((s) => s.trim());
    if (!name || !code || !known.has(name))
      throw new ValidationError(`SMS_TEMPLATE_CODES: cannot use "${part}"`);
    out[name] = code;
  }
  return out;
}
