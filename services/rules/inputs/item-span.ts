/**
 * What a batch of rule items reads in one query (every rule input is read for all scopes of a target at once):
 * the items' scopes, from the earliest period start to the latest day evaluated; and the rows that come back,
 * grouped per scope in query order.
 */
import type pg from 'pg';
import type { Queryable } from '../../db/queryable.js';
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

/**
 * Runs a rule input's query for the span's scopes (none: no query) and groups its rows per scope. The query
 * orders by scope, then time, so each scope's list is in time order.
 */
export async function readPerScope<R extends pg.QueryResultRow, T>(
  db: Queryable,
  span: ItemSpan,
  text: string,
  values: readonly unknown[],
  scopeOf: (r: R) => string,
  itemOf: (r: R) => T,
): Promise<Map<string, T[]>> {
  if (span.scopeIds.length === 0) return new Map();
  const { rows } = await db.query<R>(text, values);
  return groupRows(rows, scopeOf, itemOf);
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
