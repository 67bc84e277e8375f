/**
 * The bulk path's fast case as a store write: validated rows COPYed straight into `measurement` (no staging
 * table, no set-based move). Only for new keys: the primary key refuses a stored or repeated key (23505) and
 * a month without its partition fails routing (23514); ingest/bulk-direct.ts decides when to try it and rolls
 * back to its savepoint when it fails. The rollup keys are queued afterwards (rollup-queue-writes.ts).
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { arrayLiteral, copyText } from './copy-format.js';
import type { MeasurementRow } from './measurement-queries.js';
import { MEASUREMENT_COLUMNS } from './measurement-sql.js';

/** The end of every line of one batch: source and batch, escaped once. */
export function measurementCopyTail(meta: { sourceId: string; batchId: number }): string {
  return `\t${copyText(meta.sourceId)}\t${meta.batchId}\n`;
}

/** One COPY line of `measurement`; `tail` from measurementCopyTail. */
export function measurementCopyLine(r: MeasurementRow, tail: string): string {
  const flags = r.flags && r.flags.length > 0 ? copyText(arrayLiteral(r.flags)) : '{}';
  return `${r.ts.toISOString()}\t${copyText(r.seriesId)}\t${r.metricId}\t${r.value}\t${flags}\t${r.dataVersion}${tail}`;
}

/** Streams COPY lines (measurementCopyLine, joined in chunks) into `measurement`; returns the rows written. */
export async function copyIntoMeasurement(client: pg.PoolClient, lines: Readable): Promise<number> {
  const copy = client.query(copyFrom(`COPY measurement (${MEASUREMENT_COLUMNS}) FROM STDIN`));
  await pipeline(lines, copy);
  return copy.rowCount;
}
