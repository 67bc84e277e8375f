/**
 * What one ingestion door reads at most (issue #20 "input that cannot hurt"). Past a bound the record is
 * refused with its reason and the start of its text — never buffered whole, never allowed to fail its batch —
 * and reading goes on; a whole delivery past its bound (a file, a request) is refused with the reason.
 *
 * Set once at boot from the config (configureIngestLimits); the readers deep inside the file formats take them
 * from here rather than through every signature between the adapter and the CSV splitter.
 */
import type { Config } from '../../config/env.js';

export interface IngestLimits {
  /** One CSV record (a line, or the lines of one quoted record), in characters. */
  maxLineChars: number;
  /** One field of a record, in characters. */
  maxFieldChars: number;
  /** Fields of one record. */
  maxColumns: number;
  /** Physical lines one quoted CSV record may span (a stray quote must not swallow the file). */
  maxLinesPerRecord: number;
  /** A whole file (drop directory, bulk CLI), in bytes: refused before reading. */
  maxFileBytes: number;
  /** What an XLSX may inflate to, declared or counted while inflating, in bytes (formats/zip-bounds.ts). */
  maxXlsxUncompressedBytes: number;
  /** Uncompressed / compressed size of one XLSX entry of more than a megabyte. */
  maxXlsxRatio: number;
}

const MB = 1024 * 1024;

export const DEFAULT_INGEST_LIMITS: Readonly<IngestLimits> = {
  maxLineChars: 64 * 1024,
  maxFieldChars: 4 * 1024,
  maxColumns: 512,
  maxLinesPerRecord: 50,
  maxFileBytes: 1024 * MB,
  maxXlsxUncompressedBytes: 256 * MB,
  maxXlsxRatio: 200,
};

let current: IngestLimits = { ...DEFAULT_INGEST_LIMITS };

export function ingestLimits(): Readonly<IngestLimits> {
  return current;
}

type LimitKeys =
  | 'INGEST_MAX_LINE_CHARS'
  | 'INGEST_MAX_FIELD_CHARS'
  | 'INGEST_MAX_COLUMNS'
  | 'INGEST_MAX_LINES_PER_RECORD'
  | 'INGEST_MAX_FILE_MB'
  | 'XLSX_MAX_UNCOMPRESSED_MB'
  | 'XLSX_MAX_RATIO';

export function configureIngestLimits(config: Pick<Config, LimitKeys>): void {
  current = {
    maxLineChars: config.INGEST_MAX_LINE_CHARS,
    maxFieldChars: config.INGEST_MAX_FIELD_CHARS,
    maxColumns: config.INGEST_MAX_COLUMNS,
    maxLinesPerRecord: config.INGEST_MAX_LINES_PER_RECORD,
    maxFileBytes: Math.round(config.INGEST_MAX_FILE_MB * MB),
    maxXlsxUncompressedBytes: Math.round(config.XLSX_MAX_UNCOMPRESSED_MB * MB),
    maxXlsxRatio: config.XLSX_MAX_RATIO,
  };
}

/** The XLSX bounds every workbook door checks (formats/zip-bounds.ts), the task 台账 upload included. */
export function xlsxZipBounds(): { maxUncompressedBytes: number; maxRatio: number } {
  return { maxUncompressedBytes: current.maxXlsxUncompressedBytes, maxRatio: current.maxXlsxRatio };
}
