/** The AdapterContext of a job or a CLI run, from the configuration and what the caller holds. */
import type pg from 'pg';
import type { Config } from '../../config/env.js';
import { resolveFromRoot } from '../../config/paths.js';
import type { Logger } from '../logging.js';
import type { Clock } from '../time/shanghai.js';
import type { AdapterContext } from './adapters/adapter.js';
import { loadSources } from './sources/load-sources.js';
import type { SourceDefinition } from './sources/source-schema.js';

export function adapterContext(
  config: Pick<
    Config,
    'DROP_DIR' | 'INGEST_BULK_THRESHOLD_MB' | 'SOURCE_SECRETS' | 'FILE_CLAIM_STALE_SECONDS'
  >,
  deps: { db: pg.Pool; clock: Clock; logger: Logger; signal?: AbortSignal; tick?: string | null },
): AdapterContext {
  return {
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    signal: deps.signal ?? new AbortController().signal,
    tick: deps.tick ?? null,
    dropDir: resolveFromRoot(config.DROP_DIR),
    bulkThresholdMb: config.INGEST_BULK_THRESHOLD_MB,
    claimStaleMs: config.FILE_CLAIM_STALE_SECONDS * 1000,
    secrets: config.SOURCE_SECRETS,
  };
}

export function loadConfiguredSources(config: Pick<Config, 'SOURCES_FILE'>): Promise<SourceDefinition[]> {
  return loadSources(resolveFromRoot(config.SOURCES_FILE));
}
