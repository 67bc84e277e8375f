/**
 * The per-minute ingest tick: enqueues `ingest-source` for every source whose own cron expression matches the
 * tick (Asia/Shanghai), with a deterministic job id per source and tick — two schedulers, or this job run twice,
 * never ingest a tick twice — then checks every source's freshness (the stale-source condition).
 */
import { z } from 'zod';
import { loadConfiguredSources } from '../../services/ingest/adapter-context.js';
import { checkSourceFreshness, type FreshnessReport } from '../../services/ingest/freshness.js';
import { dueSources } from '../../services/ingest/run-source.js';
import { defineJob } from '../define-job.js';
import type { JobContext } from '../job-context.js';
import { jobId } from '../queue-names.js';

export function sourceTickJobId(sourceId: string, tick: Date): string {
  return jobId('ingest', sourceId, tick.toISOString().slice(0, 16));
}

const schema = z.object({ tick: z.iso.datetime() });

export interface DispatchResult extends FreshnessReport {
  enqueued: string[];
}

export async function dispatchIngestTick(
  payload: z.infer<typeof schema>,
  ctx: JobContext,
): Promise<DispatchResult> {
  const sources = await loadConfiguredSources(ctx.config);
  const tick = new Date(payload.tick);
  const due = dueSources(sources, tick);
  for (const s of due) {
    await ctx.enqueue(
      'ingest-source',
      { sourceId: s.id, tick: payload.tick },
      { jobId: sourceTickJobId(s.id, tick) },
    );
  }
  const freshness = await checkSourceFreshness(ctx.db, sources, ctx.clock.now());
  if (freshness.opened.length > 0)
    ctx.logger.warn({ sources: freshness.opened }, '数据源未按时送达数据 (stale sources)');
  return { enqueued: due.map((s) => s.id), ...freshness };
}

export const ingestDispatchJob = defineJob({
  name: 'ingest-dispatch',
  queue: 'ingest',
  schema,
  handle: dispatchIngestTick,
});
