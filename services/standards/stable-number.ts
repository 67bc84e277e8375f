/**
 * A double as far as it means anything. avg() and sum() add doubles in whatever order the plan scans the
 * rows, so the same mean comes out as 50.94 or 50.940000000000005 from run to run. Fingerprints (evaluation
 * history, report versions) compare numbers at 12 significant digits: that absorbs summation-order noise
 * (~1e-15 relative) and keeps every digit a rule rounds to (at most 4 decimals on values far below 10^8).
 * See docs/decisions.md, "Fingerprints ignore float noise".
 */
export const FINGERPRINT_SIGNIFICANT_DIGITS = 12;

export function stableNumber(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(FINGERPRINT_SIGNIFICANT_DIGITS)) : v;
}

/** A JSON.stringify replacer that writes every number as stableNumber does. */
export function stableNumberReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' ? stableNumber(value) : value;
}
