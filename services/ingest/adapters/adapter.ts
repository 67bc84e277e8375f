/**
 * One interface for every scheduled adapter: given its source definition (config/sources.yaml) and what a
 * run needs, collect what has arrived and ingest it, one batch per delivery. HTTP push has no run: deliveries
 * arrive by request (push-batch.ts, behind services/api/routes/measurement-push-route.ts) and go through the same batch path.
 */
import type pg from 'pg';
import type { Logger } from '../../logging.js';
import type { Clock } from '../../time/shanghai.js';
import type { IngestResult } from '../ingest-records.js';
import type { SourceDefinition } from '../sources/source-schema.js';

export interface AdapterContext {
  db: pg.Pool;
  clock: Clock;
  logger: Logger;
  signal: AbortSignal;
  /** The scheduler tick that caused the run (recorded on its batches). */
  tick: string | null;
  dropDir: string;
  bulkThresholdMb: number;
  /** A file-drop claim not renewed for this long is a dead worker's (FILE_CLAIM_STALE_SECONDS); default 5 min. */
  claimStaleMs?: number;
  secrets: Readonly<Record<string, string>>;
}

export interface SourceRunResult {
  sourceId: string;
  batches: IngestResult[];
  /** Deliveries that could not be read at all (e.g. a file without a header), each with its failed batch. */
  rejected: { origin: string; batchId: number; error: string }[];
  /** Files found and not read (hidden names, unknown extensions), with why: reported, never silently skipped. */
  ignored?: { name: string; reason: string }[];
}

export interface SourceAdapter<S extends SourceDefinition> {
  readonly adapter: S['adapter'];
  run(source: S, ctx: AdapterContext): Promise<SourceRunResult>;
}
