/**
 * E-mails: a plain-text part and an HTML part with the same content, Chinese for zh-CN contacts and
 * English for en contacts (nodemailer encodes the UTF-8 subject and body). Every alert e-mail carries the
 * acknowledgement link while the alert is firing, and says who acknowledged it when it no longer is.
 */
import { ALERT_STATE_LABELS, labelOf } from '../labels/catalogue.js';
import type { MessageItem } from './message.js';
import { formatShanghai } from '../time/shanghai.js';
import { parseStep, wordsFor } from './message-parts.js';
import { escapeHtml, footerOf, page, type EmailRenderInput, type RenderedEmail } from './email-parts.js';
import { renderGroupEmail } from './render-group-email.js';

export type { EmailRenderInput, RenderedEmail } from './email-parts.js';

function ackLine(alert: MessageItem, link: string | null, en: boolean): { text: string; html: string } {
  if (alert.state === 'firing' && link) {
    const label = en ? 'Acknowledge this alert' : '确认收到（点击链接）';
    return {
      text: `${label}: ${link}`,
      html: `<p><a href="${escapeHtml(link)}">${escapeHtml(label)}</a></p>`,
    };
  }
  if (alert.acknowledgedAt) {
    const at = formatShanghai(alert.acknowledgedAt);
    const t = en
      ? `Acknowledged by ${alert.acknowledgedBy ?? '?'} at ${at}.`
      : `已由 ${alert.acknowledgedBy ?? '?'} 于 ${at} 确认。`;
    return { text: t, html: `<p>${escapeHtml(t)}</p>` };
  }
  return { text: '', html: '' };
}

function paragraphs(text: string): string {
  return text
    .split('\n')
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join('');
}

export function renderEmail(input: EmailRenderInput): RenderedEmail {
  const en = input.delivery.locale === 'en';
  const { kind } = parseStep(input.delivery.step);
  if (kind === 'digest') return renderDigest(input, en);
  if (kind === 'group') return renderGroupEmail(input, en);
  const alert = input.alert;
  if (!alert) throw new Error(`delivery step ${input.delivery.step} has no alert`);
  const words = wordsFor(alert, input.delivery.recipient_role, kind, en, input.now);
  const body = en ? alert.bodyEn : alert.bodyZh;
  const ack =
    kind === 'resolved' || kind === 'warning_lifted'
      ? { text: '', html: '' }
      : ackLine(alert, input.ackLink(alert), en);
  const reference = en ? `\n(Chinese title: ${alert.titleZh})` : '';
  const footer = footerOf(en);
  const text = [words.intro, '', body + reference, '', ack.text, '', `— ${footer}`]
    .filter((l, i, a) => l !== '' || a[i - 1] !== '')
    .join('\n');
  const html = page(
    en ? 'en' : 'zh-CN',
    words.subject,
    `<h2 style="font-size:18px">${escapeHtml(words.subject)}</h2><p><strong>${escapeHtml(words.intro)}</strong></p>` +
      paragraphs(body + reference) +
      ack.html +
      `<hr><p style="color:#888;font-size:12px">${escapeHtml(footer)}</p>`,
  );
  return { subject: words.subject, text, html };
}

function renderDigest(input: EmailRenderInput, en: boolean): RenderedEmail {
  const items = input.items ?? [];
  const day = input.delivery.step.split(':')[1]?.replace('~fallback', '') ?? '';
  const subject = en
    ? `[Daily digest] ${items.length} environmental target notice(s), ${day}`
    : `【每日汇总】${day} 环境目标提示 ${items.length} 条`;
  const intro = en
    ? 'Notices on aspirational targets and early warnings, gathered into one message:'
    : '以下为力争类目标提示及风险预警汇总，请按需核查处置：';
  const lines: string[] = [];
  const rows: string[] = [];
  items.forEach((a, i) => {
    const state = labelOf(ALERT_STATE_LABELS, a.state);
    const title = en ? a.titleEn : a.titleZh;
    const link = a.state === 'firing' ? input.ackLink(a) : null;
    lines.push(
      `${i + 1}. ${title} — ${en ? state.en : state.zh}${link ? `\n   ${en ? 'Acknowledge' : '确认'}: ${link}` : ''}`,
    );
    rows.push(
      `<tr><td>${i + 1}</td><td>${escapeHtml(title)}</td><td>${escapeHtml(en ? state.en : state.zh)}</td>` +
        `<td>${link ? `<a href="${escapeHtml(link)}">${en ? 'Acknowledge' : '确认'}</a>` : ''}</td></tr>`,
    );
  });
  const footer = footerOf(en);
  const text = `${intro}\n\n${lines.join('\n')}\n\n— ${footer}`;
  const html = page(
    en ? 'en' : 'zh-CN',
    subject,
    `<h2 style="font-size:18px">${escapeHtml(subject)}</h2><p>${escapeHtml(intro)}</p>` +
      `<table border="1" cellpadding="6" style="border-collapse:collapse">${rows.join('')}</table>` +
      `<hr><p style="color:#888;font-size:12px">${escapeHtml(footer)}</p>`,
  );
  return { subject, text, html };
}
