/**
 * The measurement kind as the receiver's commit rounds use it. A round is small (a few hundred packets) and
 * frequent (tens a second), so what the steady path does once per batch would be paid per round: reading the
 * reference version and the retention setting (`prepare`) and ensuring the month partitions (`beforeWrite`).
 * This wrapper keeps the prepared validator for `ttlMs` — and drops it at once when the device registry
 * changed, so a site registered with its device is known to the device's first packet — and remembers the
 * months whose partitions it ensured. Validation and writes are measurementKind's own.
 *
 * A round is one transaction, and a partition created inside a transaction that rolls back is gone again:
 * months are remembered only when ensured outside one (`ensureMonths`, before the round's BEGIN). Inside
 * the round `beforeWrite` is then a no-op; a month it does not know (a row whose period starts before the
 * range ensured) is ensured in the transaction — correct, only not remembered.
 */
import type { Queryable } from '../../db/queryable.js';
import type { RecordKind } from '../record-kind.js';
import { measurementKind } from '../kinds/measurement-kind.js';
import type { RawMeasurement } from '../validate-measurement.js';
import { ensurePartitionsFor, timeRangeOf, type MeasurementRow } from '../../store/measurement-queries.js';

type Validate = Awaited<ReturnType<typeof measurementKind.prepare>>;

export interface RoundKind extends RecordKind<RawMeasurement, MeasurementRow> {
  /** Forget the prepared validator (the registry or the reference data changed). */
  invalidate(): void;
  /** Ensures the partitions of [from, to] and remembers them; `db` must not be inside a transaction. */
  ensureMonths(db: Queryable, from: Date, to: Date): Promise<void>;
}

const monthOf = (ms: number) => {
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
};

/**
 * `referenceDb`: the receiver's pool. The reference index is cached per Queryable it was read through
 * (reference-index.ts); a round prepares on whichever pooled client it holds, so reading through that client
 * kept one copy of the whole index (and of its validation memo) per client — up to DATABASE_POOL_SIZE copies;
 * a heap snapshot under bench:hj212 held several. Read through the pool there is one, shared with
 * the receiver's own (receiver.ts) — the same data, read outside the round's transaction as it was before the
 * rounds became transactions.
 */
export function roundKind(ttlMs: number, referenceDb: Queryable, now: () => number = Date.now): RoundKind {
  let cached: { at: number; validate: Validate } | null = null;
  const months = new Set<number>();
  const known = (min: Date, max: Date) => {
    for (let m = monthOf(min.getTime()); m <= monthOf(max.getTime()); m++) if (!months.has(m)) return false;
    return true;
  };
  return {
    ...measurementKind,
    invalidate() {
      cached = null;
    },
    async prepare() {
      if (!cached || now() - cached.at > ttlMs) {
        cached = { at: now(), validate: await measurementKind.prepare(referenceDb) };
      }
      return cached.validate;
    },
    async ensureMonths(db, from, to) {
      if (known(from, to)) return;
      await ensurePartitionsFor(db, from, to);
      for (let m = monthOf(from.getTime()); m <= monthOf(to.getTime()); m++) months.add(m);
    },
    async beforeWrite(db, rows) {
      const range = timeRangeOf(rows);
      if (range && !known(range.min, range.max)) await measurementKind.beforeWrite?.(db, rows);
    },
  };
}
