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

export function refuse(code: RefusalCode, extra?: string): Refusal {
  const { zh, en } = REFUSAL_REASONS[code];
  return { ok: false, code, detail: extra ? `${zh}（${en}）：${extra}` : `${zh}（${en}）` };
}

export function isRefusalCode(code: string): code is RefusalCode {
  return Object.prototype.hasOwnProperty.call(REFUSAL_REASONS, code);
}
