/** Open alerts of a street/town grouped by target (the group with the newest alert first, newest first inside). */
import type { AlertRow } from '../../api/queries/alert-read.js';
import { html, type SafeHtml } from '../html.js';
import type { PageContext } from '../layout.js';
import { alertCard } from './alerts-page.js';
import { dashWords } from './dash-words.js';

export function groupAlerts(alerts: readonly AlertRow[]): { key: string | null; alerts: AlertRow[] }[] {
  const newestFirst = [...alerts].sort(
    (a, b) => b.opened_at.getTime() - a.opened_at.getTime() || b.id - a.id,
  );
  const groups = new Map<string | null, AlertRow[]>();
  for (const a of newestFirst) {
    const key = a.target_id ?? null;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(a);
  }
  // Map keeps insertion order: a group sits where its newest alert came in.
  return [...groups.entries()].map(([key, list]) => ({ key, alerts: list }));
}

export function groupedAlerts(pc: PageContext, alerts: readonly AlertRow[], returnTo: string): SafeHtml {
  const w = dashWords(pc.locale);
  const groups = groupAlerts(alerts);
  return html`<h2>${w('alertsGrouped')}</h2>
    <div class="alert-list" id="area-alerts">
      ${alerts.length === 0 ? html`<p class="muted">${pc.t('noAlerts')}</p>` : ''}
      ${groups.map(
        (g) =>
          html`<section class="alert-group" data-group="${g.key ?? ''}">
            <h3>${g.key ?? w('other')} <span class="muted">(${g.alerts.length})</span></h3>
            ${g.alerts.map((a) => alertCard(pc, a, returnTo))}
          </section>`,
      )}
    </div>`;
}
