/** What every envwatch e-mail shares: HTML escaping, the page frame, the footer (render-email, render-group-email). */
import type { DeliveryRow } from './delivery-queries.js';
import type { MessageItem } from './message.js';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface EmailRenderInput {
  delivery: Pick<DeliveryRow, 'step' | 'recipient_role' | 'locale'>;
  alert: MessageItem | null;
  /** The alerts a digest gathers. */
  items?: readonly MessageItem[];
  /** An acknowledgement link for this recipient, or null when the alert cannot be acknowledged. */
  ackLink: (alert: MessageItem) => string | null;
  now: Date;
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

export const FOOTER_ZH = '本邮件由 envwatch 环境目标监测系统自动发送，请勿直接回复。';
export const FOOTER_EN =
  'Sent automatically by envwatch, the environmental target monitor. Please do not reply.';
export const footerOf = (en: boolean): string => (en ? FOOTER_EN : FOOTER_ZH);

export function page(lang: string, title: string, inner: string): string {
  return (
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body style="font-family:'PingFang SC','Microsoft YaHei',sans-serif;line-height:1.6;color:#222">${inner}</body></html>`
  );
}
