/** The login form and the error page. */
import { html, type SafeHtml } from '../html.js';
import { layout, type PageContext } from '../layout.js';

export function loginPage(
  pc: PageContext,
  opts: { next: string; failed: boolean; username: string },
): SafeHtml {
  const { t } = pc;
  const body = html`<form class="login card" method="post" action="/login">
    ${opts.failed ? html`<p class="error" role="alert">${t('loginFailed')}</p>` : ''}
    <input type="hidden" name="next" value="${opts.next}" />
    <label for="username">${t('username')}</label>
    <input
      id="username"
      name="username"
      type="text"
      autocomplete="username"
      autocapitalize="none"
      required
      value="${opts.username}"
    />
    <label for="password">${t('password')}</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required />
    <button type="submit">${t('login')}</button>
  </form>`;
  return layout(pc, t('loginTitle'), body);
}

export function errorPage(pc: PageContext, status: number, message: string): SafeHtml {
  const { t } = pc;
  const text = status === 403 ? t('forbidden') : status === 404 ? t('notFound') : message;
  return layout(
    pc,
    `${status} · ${t('errorTitle')}`,
    html`<p class="error">${text}</p>
      ${text === message ? '' : html`<p class="muted">${message}</p>`}
      <p><a href="/">${t('back')}</a></p>`,
  );
}
