/**
 * What a batch of rule items reads in one query (every rule input is read for all scopes of a target at once):
 * the items' scopes, from the earliest period start to the latest day evaluated; and the rows that come back,
 * grouped per scope in query order.
 */
import type { RuleItem } from '../rule-kind.js';

export interface ItemSpan {
  scopeIds: string[];
  /** The earliest period start of the items (Shanghai day). */
  from: string;
  /** The latest day any item may consider (its `until`): data after it is never read. */
  until: string;
}

export function itemSpan(items: readonly RuleItem[]): ItemSpan {
  return {
    scopeIds: [...new Set(items.map((i) => i.scopeId))],
    from: items.reduce((m, i) => (i.period.from < m ? i.period.from : m), items[0]!.period.from),
    until: items.reduce((m, i) => (i.until > m ? i.until : m), items[0]!.until),
  };
}

/** key → its rows' items, in the order the rows came (the queries order by key, then time). */
export function groupRows<R, T>(
  rows: readonly R[],
  keyOf: (r: R) => string,
  itemOf: (r: R) => T,
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(keyOf(r)) ?? [];
    list.push(itemOf(r));
    out.set(keyOf(r), list);
  }
  return out;
}
