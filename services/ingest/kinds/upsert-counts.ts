/**
 * The counts of the kinds' single-statement upserts. Each statement's `written` CTE returns one row per row it
 * inserted or changed, flagged `inserted`; a row the upsert left alone (same values) returns nothing, so it
 * is counted unchanged. The statement ends with COUNT_WRITTEN and writtenCounts reads its one row.
 */
import type { Queryable } from '../../db/queryable.js';

export const COUNT_WRITTEN = `SELECT count(*) FILTER (WHERE inserted)::int AS inserted,
            count(*) FILTER (WHERE NOT inserted)::int AS updated
       FROM written`;

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** Runs an upsert ending in COUNT_WRITTEN over `received` rows; the rows it did not write were unchanged. */
export async function countedUpsert(
  tx: Queryable,
  sql: string,
  values: unknown[],
  received: number,
): Promise<UpsertCounts> {
  const { rows } = await tx.query<{ inserted: number; updated: number }>(sql, values);
  const inserted = rows[0]?.inserted ?? 0;
  const updated = rows[0]?.updated ?? 0;
  return { inserted, updated, unchanged: received - inserted - updated };
}

/** The `unnest` parameters of an upsert: one array per field, in the order given (= $1, $2, …). */
export function columnsOf<T, K extends keyof T>(rows: readonly T[], fields: readonly K[]): T[K][][] {
  return fields.map((f) => rows.map((r) => r[f]));
}
