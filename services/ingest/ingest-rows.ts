/**
 * The steady path for measurements given as raw rows (an adapter's batch, a test, the demo): each row is
 * numbered by its position and handed to ingestRecords with the measurement kind.
 */
import type pg from 'pg';
import type { Clock } from '../time/shanghai.js';
import { ingestRecords, type IngestInput, type IngestResult } from './ingest-records.js';
import { measurementKind } from './kinds/measurement-kind.js';
import type { SourceRecord } from './record-kind.js';
import type { RawMeasurement } from './validate-measurement.js';

export type { IngestInput, IngestResult };

/** Rows numbered by position, handed on in chunks: one await per thousand rows, not per row. */
async function* numbered(
  rows: Iterable<RawMeasurement> | AsyncIterable<RawMeasurement>,
): AsyncGenerator<SourceRecord<RawMeasurement>[]> {
  let n = 0;
  let chunk: SourceRecord<RawMeasurement>[] = [];
  for await (const raw of rows) {
    chunk.push({ row: ++n, raw });
    if (chunk.length >= 1000) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

export function ingestRows(
  pool: pg.Pool,
  input: IngestInput,
  rows: Iterable<RawMeasurement> | AsyncIterable<RawMeasurement>,
  clock: Clock,
): Promise<IngestResult> {
  return ingestRecords(pool, input, measurementKind, numbered(rows), clock);
}
