/**
 * The kinds of event records (sand-dust periods, heavy-pollution warnings; read by formats/event-formats.ts):
 * validated against the reference index loaded once per batch, and written in one upsert that refuses
 * nothing at write time — every refusal of an event is a validation one.
 */
import { z } from 'zod';
import type { Queryable } from '../../db/queryable.js';
import type { RecordKind, RecordKindId, Validated } from '../record-kind.js';
import { loadReferenceIndex, type ReferenceIndex } from '../reference-index.js';
import type { UpsertCounts } from './upsert-counts.js';

/**
 * An event record as stored raw (refused_row.raw): its own fields, then what its delivery said about it —
 * the zone a header declared for its bounds, and where it stood in the file (event-formats.ts eventRecord).
 */
export function eventRawSchema<S extends z.ZodRawShape>(shape: S) {
  return z.object({ ...shape, zone: z.string().nullish(), at: z.string().nullish() });
}

export function eventKind<Raw, Row>(k: {
  id: RecordKindId;
  rawSchema: z.ZodType<Raw>;
  validate(raw: Raw, ref: ReferenceIndex, now: Date): Validated<Row>;
  upsert(tx: Queryable, rows: readonly Row[], batchId: number): Promise<UpsertCounts>;
}): RecordKind<Raw, Row> {
  return {
    id: k.id,
    singleStatementWrite: true,
    rawSchema: k.rawSchema,
    async prepare(db) {
      const ref = await loadReferenceIndex(db);
      return (raw, now) => k.validate(raw, ref, now);
    },
    async write(tx, rows, meta) {
      if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0, refused: [] };
      return { ...(await k.upsert(tx, rows, meta.batchId)), refused: [] };
    },
  };
}
