/**
 * The measurement kind as the receiver's commit rounds use it. A round is small (a few hundred packets) and
 * frequent (tens a second), so what the steady path does once per batch would be paid per round: reading the
 * reference version and the retention setting (`prepare`) and ensuring the month partitions (`beforeWrite`).
 * This wrapper keeps the prepared validator for `ttlMs` — and drops it at once when the device registry
 * changed, so a site registered with its device is known to the device's first packet — and remembers the
 * months whose partitions it ensured. Validation and writes are measurementKind's own.
 */
import type { RecordKind } from '../record-kind.js';
import { measurementKind } from '../kinds/measurement-kind.js';
import type { RawMeasurement } from '../validate-measurement.js';
import { timeRangeOf, type MeasurementRow } from '../../store/measurement-queries.js';

type Validate = Awaited<ReturnType<typeof measurementKind.prepare>>;

export interface RoundKind extends RecordKind<RawMeasurement, MeasurementRow> {
  /** Forget the prepared validator (the registry or the reference data changed). */
  invalidate(): void;
}

const monthOf = (ms: number) => {
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
};

export function roundKind(ttlMs: number, now: () => number = Date.now): RoundKind {
  let cached: { at: number; validate: Validate } | null = null;
  const months = new Set<number>();
  return {
    ...measurementKind,
    invalidate() {
      cached = null;
    },
    async prepare(db) {
      if (!cached || now() - cached.at > ttlMs) {
        cached = { at: now(), validate: await measurementKind.prepare(db) };
      }
      return cached.validate;
    },
    async beforeWrite(db, rows) {
      const range = timeRangeOf(rows);
      if (!range) return;
      let known = true;
      for (let m = monthOf(range.min.getTime()); m <= monthOf(range.max.getTime()); m++) {
        if (!months.has(m)) known = false;
      }
      if (known) return;
      await measurementKind.beforeWrite?.(db, rows);
      for (let m = monthOf(range.min.getTime()); m <= monthOf(range.max.getTime()); m++) months.add(m);
    },
  };
}
