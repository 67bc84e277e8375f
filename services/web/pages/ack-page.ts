/** The acknowledgement pages (HTML, Chinese first; English for en contacts or ?lang=en). */
import { ALERT_STATE_LABELS, labelOf } from '../../labels/catalogue.js';
import { escapeHtml } from '../html.js';
import { formatShanghai } from '../../time/shanghai.js';
import type { AlertRow } from '../../alerts/alert-queries.js';

export type PageLang = 'zh' | 'en';

const T = {
  zh: {
    confirm: '确认收到',
    comment: '处置说明（可选）',
    acked: (by: string, at: string) => `已由 ${by} 于 ${at} 确认。`,
    done: '已确认收到，升级提醒已停止。谢谢！',
    already: '该预警此前已被确认。',
    alreadyNoComment:
      '该预警此前已被确认。确认链接只用于确认一次，本次填写的说明未记录；补充说明请登录系统在预警页面填写。',
    notOpen: '该预警已恢复或关闭，无需确认。',
    invalid: '确认链接无效。',
    expired: '确认链接已过期，请通过系统或联系值班人员确认。',
    missing: '该预警不存在。',
    title: '预警确认',
  },
  en: {
    confirm: 'Acknowledge',
    comment: 'What is being done (optional)',
    acked: (by: string, at: string) => `Acknowledged by ${by} at ${at}.`,
    done: 'Acknowledged; escalation has stopped. Thank you.',
    already: 'This alert had already been acknowledged.',
    alreadyNoComment:
      'This alert had already been acknowledged. The link acknowledges once only, so this comment was not recorded; ' +
      'sign in to envwatch to add a comment on the alert page.',
    notOpen: 'This alert is resolved or closed; nothing to acknowledge.',
    invalid: 'This acknowledgement link is not valid.',
    expired:
      'This acknowledgement link has expired; please acknowledge in envwatch or call the duty officer.',
    missing: 'This alert does not exist.',
    title: 'Acknowledge alert',
  },
};

export type Notice = 'done' | 'already' | 'alreadyNoComment' | 'notOpen' | 'invalid' | 'expired' | 'missing';

function shell(lang: PageLang, body: string): string {
  return (
    `<!doctype html><html lang="${lang === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">` +
    `<title>${T[lang].title} · envwatch</title></head>` +
    `<body style="font-family:'PingFang SC','Microsoft YaHei',sans-serif;max-width:720px;margin:2em auto;padding:0 1em;line-height:1.6">` +
    `${body}</body></html>`
  );
}

export function noticePage(lang: PageLang, notice: Notice): string {
  return shell(lang, `<p><strong>${escapeHtml(T[lang][notice])}</strong></p>`);
}

/** The alert with, while it is firing, a form that POSTs the acknowledgement (a GET never changes state). */
export function alertPage(
  lang: PageLang,
  alert: AlertRow,
  opts: { action: string; notice?: Notice },
): string {
  const t = T[lang];
  const title = lang === 'en' ? alert.title_en : alert.title_zh;
  const body = lang === 'en' ? alert.body_en : alert.body_zh;
  const parts = [`<h1 style="font-size:20px">${escapeHtml(title)}</h1>`];
  if (opts.notice)
    parts.push(`<p style="background:#eef;padding:.5em"><strong>${escapeHtml(t[opts.notice])}</strong></p>`);
  parts.push(`<p>${escapeHtml(labelOf(ALERT_STATE_LABELS, alert.state)[lang])}</p>`);
  parts.push(...body.split('\n').map((p) => `<p>${escapeHtml(p)}</p>`));
  if (alert.acknowledged_at) {
    parts.push(
      `<p>${escapeHtml(t.acked(alert.acknowledged_by ?? '?', formatShanghai(alert.acknowledged_at)))}</p>`,
    );
    if (alert.ack_comment) parts.push(`<blockquote>${escapeHtml(alert.ack_comment)}</blockquote>`);
  }
  if (alert.state === 'firing') {
    parts.push(
      `<form method="post" action="${escapeHtml(opts.action)}">` +
        `<label>${escapeHtml(t.comment)}<br><textarea name="comment" rows="3" cols="60" maxlength="2000"></textarea></label><br>` +
        `<button type="submit">${escapeHtml(t.confirm)}</button></form>`,
    );
  }
  return shell(lang, parts.join(''));
}
