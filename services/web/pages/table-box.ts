/** A table in its box: scrolls sideways inside the box on a phone (focusable, so a keyboard can scroll it). */
import { html, type SafeHtml } from '../html.js';

export function tableBox(
  id: string,
  head: readonly string[],
  rows: readonly SafeHtml[],
  empty: string,
  className = '',
): SafeHtml {
  return html`<div class="table-wrap" tabindex="0">
    <table id="${id}" class="${className}">
      <thead>
        <tr>
          ${head.map((h) => html`<th scope="col">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${
          rows.length === 0
            ? html`<tr>
                <td colspan="${head.length}" class="muted">${empty}</td>
              </tr>`
            : rows
        }
      </tbody>
    </table>
  </div>`;
}
