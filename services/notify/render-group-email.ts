/**
 * One person's grouped message (group-deliveries.ts) as an e-mail: every item with its state, its text
 * and its own acknowledgement link, most severe first — what would otherwise have been as many e-mails.
 */
import { ALERT_STATE_LABELS, labelOf } from '../labels/catalogue.js';
import type { MessageItem } from './message.js';
import { escapeHtml, footerOf, page } from './email-parts.js';
import { ownIntro } from './message-parts.js';
import type { EmailRenderInput, RenderedEmail } from './email-parts.js';

function itemLines(a: MessageItem, i: number, link: string | null, en: boolean) {
  const state = labelOf(ALERT_STATE_LABELS, a.state);
  const title = en ? a.titleEn : a.titleZh;
  const body = en ? a.bodyEn : a.bodyZh;
  const stateText = en ? state.en : state.zh;
  const ack = link ? `${en ? 'Acknowledge' : '确认收到'}: ${link}` : '';
  // Every line of the item indented under its number, the body's own lines too (they ran flush left).
  const text = [`${i + 1}. ${title}（${stateText}）`, body.replace(/\n/g, '\n   '), ack]
    .filter((l) => l !== '')
    .join('\n   ');
  const html =
    `<li><p><strong>${escapeHtml(title)}</strong> — ${escapeHtml(stateText)}</p>` +
    `<p>${escapeHtml(body).replace(/\n/g, '<br>')}</p>` +
    (link ? `<p><a href="${escapeHtml(link)}">${en ? 'Acknowledge' : '确认收到（点击链接）'}</a></p>` : '') +
    '</li>';
  return { text, html };
}

export function renderGroupEmail(input: EmailRenderInput, en: boolean): RenderedEmail {
  const items = input.items ?? [];
  const firing = items.filter((a) => a.state === 'firing').length;
  // The subject names the most severe item (items come most severe first): an official reads what happened in
  // the subject line — an orange warning must not hide behind "7 项环境目标预警". A group of one is that alert.
  const only = items.length === 1 ? items[0]! : null;
  // A warning or an operational notice among them is not an 环境目标预警 (target alert).
  const noun = items.every((a) => a.kind === 'target') ? '环境目标预警' : '预警';
  const subject = only
    ? en
      ? only.titleEn
      : only.titleZh
    : en
      ? `${items[0]?.titleEn ?? ''} and ${items.length - 1} more: ${items.length} alert(s) for you, ${firing} to acknowledge`
      : `${items[0]?.titleZh ?? ''} 等 ${items.length} 项${noun}（${firing} 项待确认）`;
  // A group of one that says what it asks of its reader (a task reminder: "report your progress") says that,
  // not "以下预警需您关注，请核实处置" — seen in the demo's cut-off reminder to 区园林绿化局.
  const own = only ? ownIntro(only, input.delivery.recipient_role, en) : null;
  const intro = own
    ? own
    : only
      ? en
        ? 'This alert needs your attention; please check it and acknowledge it with the link:'
        : '以下预警需您关注，请核实处置，并点击链接确认收到：'
      : en
        ? 'The alerts that became due for you in the last minutes, in one message; acknowledge each with its own link:'
        : '以下为近期需您关注的预警，合并为一封邮件发送；请逐项核实处置，并点击各项的链接确认收到：';
  const parts = items.map((a, i) => itemLines(a, i, a.state === 'firing' ? input.ackLink(a) : null, en));
  const footer = footerOf(en);
  const text = `${intro}\n\n${parts.map((p) => p.text).join('\n\n')}\n\n— ${footer}`;
  const html = page(
    en ? 'en' : 'zh-CN',
    subject,
    `<h2 style="font-size:18px">${escapeHtml(subject)}</h2><p>${escapeHtml(intro)}</p>` +
      `<ol>${parts.map((p) => p.html).join('')}</ol>` +
      `<hr><p style="color:#888;font-size:12px">${escapeHtml(footer)}</p>`,
  );
  return { subject, text, html };
}
