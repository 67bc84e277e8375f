/**
 * A delivered file, its format (given by the source, or detected from its header row) and the steady-path
 * ingestion of it as one batch.
 */
import path from 'node:path';
import type pg from 'pg';
import { ValidationError } from '../../errors.js';
import type { Clock } from '../../time/shanghai.js';
import { ingestRecords, type IngestInput, type IngestResult } from '../ingest-records.js';
import { cityRankingKind } from '../kinds/city-ranking-kind.js';
import { measurementKind } from '../kinds/measurement-kind.js';
import { sandDustKind } from '../kinds/sand-dust-kind.js';
import { warningKind } from '../kinds/warning-kind.js';
import type { RecordKindId } from '../record-kind.js';
import type { FormatId } from '../sources/source-schema.js';
import {
  RANKING_COLUMNS,
  SAND_DUST_COLUMNS,
  WARNING_COLUMNS,
  readRankingFile,
  readSandDustFile,
  readWarningFile,
} from './event-formats.js';
import { LONG_COLUMNS, readLongFileChunks } from './long-format.js';
import { isHeaderOf } from './record-table.js';
import { readTableRows } from './table-reader.js';
import { isWideHeader, readWideFile } from './wide-format.js';

export const RECORD_KIND_OF: Record<FormatId, RecordKindId> = {
  long: 'measurement',
  wide: 'measurement',
  city_ranking: 'city_ranking',
  sand_dust: 'sand_dust_period',
  warning: 'heavy_pollution_warning',
};

const DETECT_ROWS = 20;

/** The format whose header appears first in the file; the more specific formats win on the same row. */
export async function detectFormat(file: string): Promise<FormatId> {
  let n = 0;
  for await (const r of readTableRows(file)) {
    if (isHeaderOf(r.cells, RANKING_COLUMNS)) return 'city_ranking';
    if (isHeaderOf(r.cells, WARNING_COLUMNS)) return 'warning';
    if (isHeaderOf(r.cells, SAND_DUST_COLUMNS)) return 'sand_dust';
    if (isHeaderOf(r.cells, LONG_COLUMNS)) return 'long';
    if (isWideHeader(r.cells)) return 'wide';
    if (++n >= DETECT_ROWS) break;
  }
  throw new ValidationError(
    `${path.basename(file)}: format not recognised — no header of the long, wide, city ranking, sand-dust or warning format ` +
      `in the first ${DETECT_ROWS} rows (see examples/ingest/README.md)`,
  );
}

export async function resolveFormat(file: string, format: FormatId | 'auto'): Promise<FormatId> {
  return format === 'auto' ? detectFormat(file) : format;
}

/** Ingests a file through the steady path (validate, upsert, refused rows kept) as one batch. */
export async function ingestFile(
  pool: pg.Pool,
  input: IngestInput,
  file: string,
  format: FormatId,
  clock: Clock,
  opts: { batchId?: number } = {},
): Promise<IngestResult> {
  switch (format) {
    case 'long':
      return ingestRecords(pool, input, measurementKind, readLongFileChunks(file), clock, opts);
    case 'wide':
      return ingestRecords(pool, input, measurementKind, readWideFile(file), clock, opts);
    case 'city_ranking':
      return ingestRecords(pool, input, cityRankingKind, readRankingFile(file), clock, opts);
    case 'sand_dust':
      return ingestRecords(pool, input, sandDustKind, readSandDustFile(file), clock, opts);
    case 'warning':
      return ingestRecords(pool, input, warningKind, readWarningFile(file), clock, opts);
  }
}
