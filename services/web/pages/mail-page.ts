/** The demo's caught e-mail (admins only: messages carry addresses): the list, and one message as text. */
import { html, type SafeHtml } from '../html.js';
import { fmtTime, layout, type PageContext } from '../layout.js';
import type { MailboxEntry, MailMessage } from '../mailbox.js';

const LIST_LIMIT = 500;

export function mailboxPage(pc: PageContext, entries: readonly MailboxEntry[]): SafeHtml {
  const { t } = pc;
  const shown = entries.slice(0, LIST_LIMIT);
  const body = html`<p class="muted">${t('mailboxIntro')} (${entries.length})</p>
    <div class="table-wrap" tabindex="0">
      <table id="mail">
        <thead>
          <tr>
            <th class="num">#</th>
            <th>${t('sentAt')}</th>
            <th>${t('to')}</th>
            <th>${t('subject')}</th>
          </tr>
        </thead>
        <tbody>
          ${
            shown.length === 0
              ? html`<tr>
                  <td colspan="4" class="muted">${t('noMail')}</td>
                </tr>`
              : shown.map(
                  (e) =>
                    html`<tr>
                      <td class="num">${e.n}</td>
                      <td>${fmtTime(new Date(e.date))}</td>
                      <td>${e.to.join(', ')}</td>
                      <td><a href="/mail/${e.n}">${e.subject}</a></td>
                    </tr>`,
                )
          }
        </tbody>
      </table>
    </div>`;
  return layout(pc, t('mailbox'), body, 'mailbox');
}

export function mailMessagePage(pc: PageContext, m: MailMessage): SafeHtml {
  const { t } = pc;
  const e = m.entry;
  const body = html`<dl class="card">
      <dt>${t('from')}</dt>
      <dd>${e.from}</dd>
      <dt>${t('to')}</dt>
      <dd>${e.to.join(', ')}</dd>
      <dt>${t('sentAt')}</dt>
      <dd>${fmtTime(new Date(e.date))}</dd>
      ${
        m.attachments.length > 0
          ? html`<dt>${t('attachments')}</dt>
              <dd>
                ${m.attachments.map((a) => `${a.filename} (${Math.ceil(a.size / 1024)} KiB)`).join('、')}
              </dd>`
          : ''
      }
    </dl>
    <pre class="mail-text">${m.text}</pre>
    <p><a href="/mail/${e.n}/eml">${t('downloadEml')}</a> · <a href="/mail">${t('mailbox')}</a></p>`;
  return layout(pc, e.subject, body, 'mailbox');
}
