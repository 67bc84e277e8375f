/**
 * A street/town's targets as a target × period matrix: one row per target, one cell per month, quarter or year
 * it is judged on, coloured by verdict with a text mark (never colour alone). A cell opens its explanation by
 * hover, keyboard or tap: a <details> element, so it works on a phone without any script.
 */
import type { TargetStatusRow } from '../../api/queries/status-read.js';
import { html, type SafeHtml } from '../html.js';
import { localName } from '../i18n.js';
import { fmt, type PageContext } from '../layout.js';
import { dashWords } from './dash-words.js';

const MARK: Record<TargetStatusRow['status'], string> = {
  met: '✓',
  at_risk: '!',
  breached: '✗',
  insufficient_data: '?',
};

/** The period columns the rows use, in calendar order: months, then quarters, then the year. */
export function matrixColumns(year: number, rows: readonly TargetStatusRow[]): string[] {
  const keys = new Set(rows.map((r) => r.period_key));
  const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
  const quarters = [1, 2, 3, 4].map((q) => `${year}-Q${q}`);
  const anyMonth = months.some((m) => keys.has(m));
  const anyQuarter = quarters.some((q) => keys.has(q));
  return [...(anyMonth ? months : []), ...(anyQuarter ? quarters : []), String(year)];
}

function columnLabel(pc: PageContext, key: string): string {
  if (/^\d{4}$/.test(key)) return dashWords(pc.locale)('year');
  const q = /-Q(\d)$/.exec(key);
  if (q) return `Q${q[1]}`;
  return pc.locale === 'en' ? key.slice(5) : `${Number(key.slice(5))}月`;
}

function cell(pc: PageContext, r: TargetStatusRow | undefined, label: string, left: boolean): SafeHtml {
  if (!r) return html`<td class="cell empty"></td>`;
  const status = pc.t(`status_${r.status}`);
  const explanation = pc.locale === 'en' ? r.explanation_en : r.explanation_zh;
  // title: the explanation on hover with a mouse; the <details> opens it by tap or keyboard.
  return html`<td
    class="cell s-${r.status}${left ? ' opens-right' : ''}"
    data-period="${r.period_key}"
    data-status="${r.status}"
  >
    <details>
      <summary
        aria-label="${label} ${status} ${fmt(r.value)}"
        title="${r.period_key} ${status}: ${explanation}"
      >
        ${MARK[r.status]}
      </summary>
      <div class="pop" role="note">
        <strong>${r.period_key} · ${status}</strong><br />
        ${explanation}
      </div>
    </details>
  </td>`;
}

export function targetMatrix(pc: PageContext, year: number, rows: readonly TargetStatusRow[]): SafeHtml {
  const { t, locale } = pc;
  const w = dashWords(locale);
  const byTarget = new Map<string, Map<string, TargetStatusRow>>();
  for (const r of rows) {
    if (!byTarget.has(r.target_id)) byTarget.set(r.target_id, new Map());
    byTarget.get(r.target_id)!.set(r.period_key, r);
  }
  const cols = matrixColumns(year, rows);
  const labels = cols.map((c) => columnLabel(pc, c));
  return html`<p class="muted">
      ${w('matrixHint')} · ✓ ${t('status_met')} · ! ${t('status_at_risk')} · ✗ ${t('status_breached')} · ?
      ${t('status_insufficient_data')}
    </p>
    <div class="table-wrap matrix-wrap">
      <table id="targets" class="matrix">
        <thead>
          <tr>
            <th scope="col">${t('targets')}</th>
            ${labels.map((l) => html`<th scope="col" class="cellhead">${l}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${
            byTarget.size === 0
              ? html`<tr>
                  <td colspan="${cols.length + 1}" class="muted">${w('noTargets')}</td>
                </tr>`
              : ''
          }
          ${[...byTarget.entries()].map(([targetId, periods]) => {
            const any = periods.values().next().value!;
            return html`<tr data-target="${targetId}">
              <th scope="row" class="tname">
                ${localName(locale, any.title_zh, any.title_en)}
                <div class="muted">${targetId}</div>
              </th>
              ${cols.map((c, i) => cell(pc, periods.get(c), labels[i]!, i < cols.length / 2))}
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
}
