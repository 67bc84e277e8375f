/**
 * What a batch carries. Adapters (file drop, HTTP pull, HTTP push) move deliveries; a record kind says how
 * one record of a delivery is validated and written: measurements, city-wide rankings, sand-dust exclusion
 * periods, heavy-pollution warnings. The steady path (ingest-records.ts) and re-processing treat every kind
 * alike, so batches of every kind end with the same counts and keep refused rows the same way.
 */
import type { z } from 'zod';
import type { Queryable } from '../db/queryable.js';
import type { Refusal, RefusalCode } from './refusal-reasons.js';

export const RECORD_KIND_IDS = [
  'measurement',
  'city_ranking',
  'sand_dust_period',
  'heavy_pollution_warning',
  'hj212_packet',
] as const;
export type RecordKindId = (typeof RECORD_KIND_IDS)[number];

export type Validated<Row> =
  | {
      ok: true;
      row: Row;
      /** Two records with the same key in one batch: the second is refused as DUPLICATE_IN_BATCH. */
      key: string;
      /** The period start the record delivers, for the source's freshness (null for events). */
      dataAt: Date | null;
    }
  | Refusal;

export interface WriteOutcome {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows the store would not take (by index into the written rows), refused with a reason. */
  refused: { index: number; code: RefusalCode; detail: string }[];
}

export interface WriteMeta {
  sourceId: string;
  batchId: number;
  /** The write runs outside any transaction: each statement commits on its own. */
  autocommit?: boolean;
}

export interface RecordKind<Raw, Row> {
  readonly id: RecordKindId;
  /** The raw record as stored in refused_row.raw, read back for re-processing. */
  readonly rawSchema: z.ZodType<Raw>;
  /**
   * Loads what validation needs (reference data) once per batch and returns the validator. `textChecked`:
   * the caller has already refused text PostgreSQL cannot keep (ingestRecords does, for every record), so
   * the validator need not walk the record again.
   */
  prepare(db: Queryable): Promise<(raw: Raw, now: Date, textChecked?: boolean) => Validated<Row>>;
  /**
   * The write changes the store in one statement (a read may follow), so a chunk without refused rows to keep
   * needs no transaction of its own.
   */
  readonly singleStatementWrite?: boolean;
  /** Called outside the write transaction before each chunk (plain-mode partitions). */
  beforeWrite?(db: Queryable, rows: readonly Row[]): Promise<void>;
  write(tx: Queryable, rows: readonly Row[], meta: WriteMeta): Promise<WriteOutcome>;
}

/** One record of a delivery: where it was (line or sheet row, header = 1) and what it said. */
export interface SourceRecord<Raw> {
  row: number | null;
  raw: Raw;
  /** Re-processing: the refused row this record retries. */
  retryOf?: number;
  /** Refused by the reader before validation (a line past a bound): kept with this reason, never validated. */
  refusal?: Refusal;
  /**
   * The adapter has already checked all the text the record carries (every string in it is safe and within
   * the field bound, e.g. cut from one checked HJ 212 data area or taken from the registry): the per-field
   * walk is skipped. Set only where that is true; anything else is checked field by field.
   */
  textChecked?: boolean;
}
