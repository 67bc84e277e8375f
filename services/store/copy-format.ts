/** PostgreSQL COPY text format, for the bulk writers (measurement-copy.ts, measurement-stage.ts). */

/** Backslash, tab, newline and carriage return are escaped; \N (not produced here) is NULL. */
export function copyText(s: string): string {
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : s;
}

/** A text[] literal: every element quoted, `"` and `\` escaped for the array parser. */
export function arrayLiteral(items: readonly string[]): string {
  if (items.length === 0) return '{}';
  return `{${items.map((f) => `"${f.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}
