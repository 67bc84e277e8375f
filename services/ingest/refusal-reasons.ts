/**
 * Why a row was refused. Codes are stable (tests, listings and `envwatch reprocess --reason` use them); the
 * stored detail is Chinese first with English after it, followed by what exactly was wrong. The words are
 * data (refusal-reasons.json): one table a reviewer of the Chinese can read and edit without the code.
 */
import reasons from './refusal-reasons.json' with { type: 'json' };

export const REFUSAL_REASONS: Readonly<Record<RefusalCode, { readonly zh: string; readonly en: string }>> =
  reasons;

export type RefusalCode = keyof typeof reasons;

export interface Refusal {
  ok: false;
  code: RefusalCode;
  detail: string;
}

const MAX_QUOTED = 300;

export function refuse(code: RefusalCode, extra?: string): Refusal {
  const { zh, en } = REFUSAL_REASONS[code];
  // What was refused is quoted, never echoed whole: a 31 MB station name must not become a 31 MB reason.
  const quoted =
    extra && extra.length > MAX_QUOTED ? `${extra.slice(0, MAX_QUOTED)}…[${extra.length} characters]` : extra;
  return { ok: false, code, detail: quoted ? `${zh}（${en}）：${quoted}` : `${zh}（${en}）` };
}

export function isRefusalCode(code: string): code is RefusalCode {
  return Object.prototype.hasOwnProperty.call(REFUSAL_REASONS, code);
}
