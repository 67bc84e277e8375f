/** The page shell (navigation, language switch, logout) and formatting helpers shared by the pages. */
import type { FastifyReply } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { formatShanghaiMinute } from '../time/shanghai.js';
import { html, type SafeHtml } from './html.js';
import { translator, type Locale, type Translate } from './i18n.js';
import type { ActiveWarning } from '../api/queries/warning-read.js';
import { warningBanner } from './pages/warning-banner.js';
import { taskWords } from './pages/task-words.js';
import { opsWords } from './pages/ops-words.js';

export interface PageContext {
  locale: Locale;
  t: Translate;
  principal: Principal | null;
  /** The current path with its query, for the language switch. */
  url: string;
  /** Caught e-mail is on show (MAIL_CATCHER_DIR, the demo): admins get a link to it. */
  mailbox?: boolean;
  /** Heavy-pollution warnings in force that this person's area falls under: a banner on every page. */
  warnings?: ActiveWarning[];
}

export function pageContext(
  locale: Locale,
  principal: Principal | null,
  url: string,
  opts: { mailbox?: boolean; warnings?: ActiveWarning[] } = {},
): PageContext {
  return {
    locale,
    t: translator(locale),
    principal,
    url,
    mailbox: opts.mailbox ?? false,
    warnings: opts.warnings ?? [],
  };
}

/** The same page in the other language. */
function otherLanguageUrl(pc: PageContext): string {
  const u = new URL(pc.url, 'http://x');
  u.searchParams.set('lang', pc.locale === 'en' ? 'zh-CN' : 'en');
  return `${u.pathname}${u.search}`;
}

type NavKey = 'overview' | 'alerts' | 'reports' | 'ingestion' | 'queues' | 'mailbox' | 'tasks' | null;

export function layout(pc: PageContext, title: string, body: SafeHtml, active: NavKey = null): SafeHtml {
  const p = pc.principal;
  const { t } = pc;
  const link = (key: Exclude<NavKey, null | 'tasks'>, href: string) =>
    html`<a href="${href}" class="${active === key ? 'active' : ''}">${t(key)}</a>`;
  // The task page's own word (task-words.ts); a unit account has nothing else to open (issue 16).
  const tasks = html`<a href="/tasks" class="${active === 'tasks' ? 'active' : ''}"
    >${taskWords(pc.locale)('nav')}</a
  >`;
  const operator = p && p.role !== 'area';
  return html`<!doctype html>
    <html lang="${pc.locale === 'en' ? 'en' : 'zh-CN'}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · ${t('appName')}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        <!-- No favicon request: a 404 for it would be a console error on every first visit. -->
        <link rel="icon" href="data:," />
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/">${t('appName')}</a>
          ${
            p?.role === 'unit'
              ? html`<nav>${tasks}</nav>`
              : p
                ? html`<nav>
                    ${link('overview', '/')}${link('alerts', '/alerts')}${link('reports', '/reports')}${tasks}
                    ${operator ? link('ingestion', '/ingest') : ''}
                    ${p.role === 'admin' || p.role === 'bureau' ? html`<a href="/deliveries">${opsWords(pc.locale)('deliveryHistory')}</a>` : ''}
                    ${p.role === 'admin' ? html`<a href="/admin/audit">${opsWords(pc.locale)('opsPages')}</a>` : ''}
                    ${p.role === 'admin' ? html`<a href="/admin/queues">${t('queues')}</a>` : ''}
                    ${p.role === 'admin' && pc.mailbox ? link('mailbox', '/mail') : ''}
                    <a href="/docs">${t('apiDocs')}</a>
                  </nav>`
                : ''
          }
          <a class="lang" href="${otherLanguageUrl(pc)}" lang="${pc.locale === 'en' ? 'zh-CN' : 'en'}"
            >${t('switchLang')}</a
          >
          ${
            p
              ? html`<span class="who">${p.displayName}${p.readOnly ? html` (${t('readOnly')})` : ''}</span>
                  <form method="post" action="/logout">
                    <input type="hidden" name="_csrf" value="${p.csrfToken ?? ''}" /><button
                      class="link"
                      type="submit"
                    >
                      ${t('logout')}
                    </button>
                  </form>`
              : ''
          }
        </header>
        ${warningBanner(pc)}
        <main>
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`;
}

export function fmt(v: number | null | undefined, decimals = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(decimals);
}

export function fmtPct(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `${v > 0 ? '+' : ''}${v.toFixed(1)}%`;
}

export function fmtTime(d: Date | null | undefined): string {
  return d ? formatShanghaiMinute(d) : '—';
}

export function statusBadge(pc: PageContext, status: string): SafeHtml {
  const key = `status_${status}` as Parameters<Translate>[0];
  return html`<span class="badge s-${status}">${pc.t(key)}</span>`;
}

export function csrfField(pc: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${pc.principal?.csrfToken ?? ''}" />`;
}

/** Pages load nothing from elsewhere and run no script: a strict policy costs nothing and stops injection. */
const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function sendPage(reply: FastifyReply, page: SafeHtml, status = 200): FastifyReply {
  return reply
    .code(status)
    .header('content-security-policy', PAGE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(page.value);
}
