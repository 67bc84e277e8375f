/** Measurements: validated by validate-measurement.ts, upserted into `measurement` with revisions kept. */
import { z } from 'zod';
import {
  ensurePartitionsFor,
  findSupersededByAudited,
  timeRangeOf,
  upsertMeasurements,
  writeMeasurements,
  type MeasurementRow,
} from '../../store/measurement-queries.js';
import type { RecordKind } from '../record-kind.js';
import { refuse } from '../refusal-reasons.js';
import { loadReferenceIndex } from '../reference-index.js';
import { loadValidationLimits, validateMeasurement, type RawMeasurement } from '../validate-measurement.js';

const text = z.union([z.string(), z.number()]).transform(String);

export const rawMeasurementSchema: z.ZodType<RawMeasurement> = z.object({
  time: text,
  series: text,
  metric: text,
  value: z.union([z.number(), z.string(), z.null()]),
  unit: z.string().nullish(),
  flags: z.string().nullish(),
  version: text.nullish(),
  zone: z.string().nullish(),
  at: z.string().nullish(),
}) as z.ZodType<RawMeasurement>;

export function measurementKey(r: MeasurementRow): string {
  return `${r.seriesId}|${r.metricId}|${r.ts.getTime()}`;
}

export const measurementKind: RecordKind<RawMeasurement, MeasurementRow> = {
  id: 'measurement',
  singleStatementWrite: true,
  rawSchema: rawMeasurementSchema,
  async prepare(db) {
    const ref = await loadReferenceIndex(db);
    const limits = await loadValidationLimits(db);
    return (raw, now, textChecked) => {
      const v = validateMeasurement(raw, ref, now, limits, textChecked);
      return v.ok ? { ok: true, row: v.row, key: measurementKey(v.row), dataAt: v.row.ts } : v;
    };
  },
  async beforeWrite(db, rows) {
    const range = timeRangeOf(rows);
    if (range) await ensurePartitionsFor(db, range.min, range.max);
  },
  async write(tx, rows, meta) {
    const refusal = refuse('SUPERSEDED_BY_AUDITED');
    const refused = (indexes: readonly number[]) =>
      indexes.map((index) => {
        const r = rows[index]!;
        return {
          index,
          code: refusal.code,
          detail: `${refusal.detail}：${r.seriesId} ${r.metricId} ${r.ts.toISOString()}`,
        };
      });
    if (meta.autocommit) {
      const { superseded, ...counts } = await writeMeasurements(tx, rows, meta);
      return { ...counts, refused: refused(superseded) };
    }
    const counts = await upsertMeasurements(tx, rows, meta);
    if (counts.unchanged === 0) return { ...counts, refused: [] };
    const superseded = await findSupersededByAudited(tx, rows);
    return { ...counts, unchanged: counts.unchanged - superseded.length, refused: refused(superseded) };
  },
};
