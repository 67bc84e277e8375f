/**
 * Ingests one named file as a batch (format given or detected), outside any source's drop directory — what
 * `envwatch ingest <file>` does, as a job. Large long-format files take the bulk path.
 */
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { bulkIngest } from '../../services/ingest/bulk-load.js';
import { ingestFile, resolveFormat } from '../../services/ingest/formats/deliveries.js';
import { readLongFileChunks } from '../../services/ingest/formats/long-format.js';
import { FORMATS } from '../../services/ingest/sources/source-schema.js';
import { defineJob } from '../define-job.js';
import { refreshRollupsRequest } from '../../services/outbox/messages.js';

export const ingestFileJob = defineJob({
  name: 'ingest-file',
  queue: 'ingest',
  schema: z.object({
    path: z.string().min(1),
    sourceId: z.string().min(1),
    format: z.enum([...FORMATS, 'auto']).default('auto'),
  }),
  async handle(payload, ctx) {
    const format = await resolveFormat(payload.path, payload.format);
    const input = { sourceId: payload.sourceId, adapter: 'manual', origin: payload.path };
    const { size } = await stat(payload.path);
    const result =
      format === 'long' && size > ctx.config.INGEST_BULK_THRESHOLD_MB * 1024 * 1024
        ? await bulkIngest(
            ctx.db,
            { ...input, adapter: 'bulk' },
            () => readLongFileChunks(payload.path),
            ctx.clock,
          )
        : await ingestFile(ctx.db, input, payload.path, format, ctx.clock);
    const { refusals: _refusals, ...summary } = result;
    ctx.logger.info({ ...summary, newestDataAt: result.newestDataAt?.toISOString() }, 'file ingested');
    if (result.inserted + result.updated > 0) {
      await ctx.enqueue(...refreshRollupsRequest(`batch ${result.batchId}`));
    }
    return summary;
  },
});
