/**
 * A delivered file, its format (given by the source, or detected from its header row) and the steady-path
 * ingestion of it as one batch.
 */
import type pg from 'pg';
import type { Clock } from '../../time/shanghai.js';
import { ingestRecords, type IngestInput, type IngestResult } from '../ingest-records.js';
import { cityRankingKind } from '../kinds/city-ranking-kind.js';
import { measurementKind } from '../kinds/measurement-kind.js';
import { sandDustKind } from '../kinds/sand-dust-kind.js';
import { warningKind } from '../kinds/warning-kind.js';
import type { RecordKindId } from '../record-kind.js';
import type { FormatId } from '../sources/source-schema.js';
import { readRankingFile, readSandDustFile, readWarningFile } from './event-formats.js';
import { readLongFileChunks } from './long-format.js';
import { ReadNotes } from './record-table.js';
import { readWideFile } from './wide-format.js';

export { detectFormat, resolveFormat } from './detect-format.js';

export const RECORD_KIND_OF: Record<FormatId, RecordKindId> = {
  long: 'measurement',
  wide: 'measurement',
  city_ranking: 'city_ranking',
  sand_dust: 'sand_dust_period',
  warning: 'heavy_pollution_warning',
};

export interface FileIngestResult extends IngestResult {
  /** Header columns no field of the format reads, once per sheet ("采样人, 备注2 [Sheet1]"). */
  unusedColumns: string[];
}

/** Ingests a file through the steady path (validate, upsert, refused rows kept) as one batch. */
export async function ingestFile(
  pool: pg.Pool,
  input: IngestInput,
  file: string,
  format: FormatId,
  clock: Clock,
  opts: { batchId?: number } = {},
): Promise<FileIngestResult> {
  const notes = new ReadNotes();
  const result = await ingestFormat(pool, input, file, format, clock, opts, notes);
  return { ...result, unusedColumns: notes.unusedColumns() };
}

function ingestFormat(
  pool: pg.Pool,
  input: IngestInput,
  file: string,
  format: FormatId,
  clock: Clock,
  opts: { batchId?: number },
  notes: ReadNotes,
): Promise<IngestResult> {
  switch (format) {
    case 'long':
      return ingestRecords(pool, input, measurementKind, readLongFileChunks(file, notes), clock, opts);
    case 'wide':
      return ingestRecords(pool, input, measurementKind, readWideFile(file, notes), clock, opts);
    case 'city_ranking':
      return ingestRecords(pool, input, cityRankingKind, readRankingFile(file, notes), clock, opts);
    case 'sand_dust':
      return ingestRecords(pool, input, sandDustKind, readSandDustFile(file, notes), clock, opts);
    case 'warning':
      return ingestRecords(pool, input, warningKind, readWarningFile(file, notes), clock, opts);
  }
}
