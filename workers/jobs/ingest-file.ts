/** Ingests one dropped file (long CSV) as a batch, then asks for the rollups to be refreshed. */
import { z } from 'zod';
import { ingestRows } from '../../services/ingest/ingest-rows.js';
import { readLongCsv } from '../../services/ingest/long-csv.js';
import { defineJob } from '../define-job.js';

export const ingestFileJob = defineJob({
  name: 'ingest-file',
  queue: 'ingest',
  schema: z.object({ path: z.string().min(1), sourceId: z.string().min(1) }),
  async handle(payload, ctx) {
    const result = await ingestRows(
      ctx.db,
      { sourceId: payload.sourceId, adapter: 'file_drop', origin: payload.path },
      readLongCsv(payload.path),
      ctx.clock,
    );
    ctx.logger.info({ ...result, newestDataAt: result.newestDataAt?.toISOString() }, 'file ingested');
    if (result.inserted + result.updated > 0) {
      await ctx.enqueue('refresh-rollups', { reason: `batch ${result.batchId}` }, { dedupeId: 'refresh-rollups' });
    }
    return result;
  },
});
