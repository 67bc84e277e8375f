/**
 * Text PostgreSQL cannot keep. A NUL character is refused by `text` and by `jsonb` alike, and a lone UTF-16
 * surrogate by `jsonb` (node turns it into U+FFFD in `text`). One such character in a refused row used to
 * fail the whole batch it was kept with (issue #20): the doors now refuse the row that carries one, and the
 * refused-row store keeps a visible stand-in — ␀ (U+2400) for NUL, U+FFFD for a lone surrogate.
 */

const NUL_STAND_IN = '\u2400';
// Code units, not code points (no `u` flag): a high surrogate not followed by a low one, or a low one alone.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// eslint-disable-next-line no-control-regex -- finding the NUL is the point
const UNSAFE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when PostgreSQL can keep the string as it is (no NUL, no lone surrogate). */
export function isSafe(s: string): boolean {
  return !UNSAFE.test(s);
}

/** Where the first unkeepable character of a raw record is ("series: NUL at 12"), or null if there is none. */
export function findUnsafeText(raw: unknown, at = ''): string | null {
  if (typeof raw === 'string') {
    if (isSafe(raw)) return null;
    const nul = raw.indexOf('\u0000');
    const what = nul >= 0 ? `NUL at ${nul + 1}` : 'a lone UTF-16 surrogate';
    return at ? `${at}: ${what}` : what;
  }
  if (raw === null || typeof raw !== 'object') return null;
  for (const [k, v] of Object.entries(raw)) {
    const name = at ? `${at}.${k}` : k;
    if (!isSafe(k)) return `${storableText(name)}: the field name`;
    const found = findUnsafeText(v, name);
    if (found) return found;
  }
  return null;
}

/** The string with a stand-in for each character PostgreSQL cannot keep. */
export function storableText(s: string): string {
  return isSafe(s) ? s : s.replaceAll('\u0000', NUL_STAND_IN).replace(LONE_SURROGATE, '\ufffd');
}

/** The first field of a raw record longer than `max` characters ("series: 2000000 > 4096 characters"), or null. */
export function findOversizedText(raw: unknown, max: number, at = ''): string | null {
  if (typeof raw === 'string')
    return raw.length > max ? `${at || 'value'}: ${raw.length} > ${max} characters` : null;
  if (raw === null || typeof raw !== 'object') return null;
  for (const [k, v] of Object.entries(raw)) {
    const found = findOversizedText(v, max, at ? `${at}.${k.slice(0, 100)}` : k.slice(0, 100));
    if (found) return found;
  }
  return null;
}

/** At most `max` characters: a longer string keeps its start and says how long it was. */
export function boundedText(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…[${s.length} characters]`;
}

/**
 * A deep copy of a raw record that `jsonb` accepts (keys and values through storableText), each string cut to
 * `maxChars`: a refused row keeps what was sent, not an unbounded copy of it.
 */
export function storableJson(raw: unknown, maxChars = Number.POSITIVE_INFINITY): unknown {
  if (typeof raw === 'string') return storableText(boundedText(raw, maxChars));
  if (Array.isArray(raw)) return raw.map((v) => storableJson(v, maxChars));
  if (raw === null || typeof raw !== 'object' || raw instanceof Date) return raw;
  return Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [storableText(boundedText(k, maxChars)), storableJson(v, maxChars)]),
  );
}
