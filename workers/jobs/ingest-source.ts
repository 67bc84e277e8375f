/** Runs one configured source (file drop or HTTP pull), then asks for the rollups to be refreshed. */
import { z } from 'zod';
import type { BatchCounts } from '../../services/ingest/batch-queries.js';
import { adapterContext, loadConfiguredSources } from '../../services/ingest/adapter-context.js';
import { runSource } from '../../services/ingest/run-source.js';
import { findSource } from '../../services/ingest/sources/load-sources.js';
import { defineJob } from '../define-job.js';
import type { JobContext } from '../job-context.js';
import { refreshRollupsRequest } from '../../services/outbox/messages.js';

const schema = z.object({ sourceId: z.string().min(1), tick: z.string().nullable().default(null) });

export interface SourceJobResult {
  sourceId: string;
  batches: (BatchCounts & { batchId: number; newestDataAt: Date | null })[];
  rejected: { origin: string; batchId: number; error: string }[];
  stale: string[];
}

export async function runSourceJob(
  payload: z.infer<typeof schema>,
  ctx: JobContext,
): Promise<SourceJobResult> {
  const source = findSource(await loadConfiguredSources(ctx.config), payload.sourceId);
  const result = await runSource(source, adapterContext(ctx.config, { ...ctx, tick: payload.tick }));
  const changed = result.batches.reduce((n, b) => n + b.inserted + b.updated, 0);
  if (changed > 0) {
    await ctx.enqueue(...refreshRollupsRequest(`source ${source.id}`));
  }
  const batches = result.batches.map(({ refusals: _refusals, ...b }) => b);
  ctx.logger.info({ source: source.id, batches, rejected: result.rejected }, 'source ingested');
  return { sourceId: source.id, batches, rejected: result.rejected, stale: result.freshness.stale };
}

export const ingestSourceJob = defineJob({
  name: 'ingest-source',
  queue: 'ingest',
  schema,
  handle: runSourceJob,
});
