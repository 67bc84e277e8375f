/**
 * HTTP push: an authenticated endpoint that accepts batches of measurements.
 *
 *   POST /api/v1/ingest/measurements
 *   { "source": "district_micro_stations", "batch_ref": "2024030109-001",
 *     "measurements": [{ "time": "2024-03-01T09:00:00+08:00", "series": "st_beiyuan_1", "metric": "pm25",
 *                        "value": 48.2, "unit": "µg/m³", "flags": null, "version": "provisional" }] }
 *
 * The batch itself is services/ingest/push-batch.ts (idempotent by `batch_ref`); the answer carries its counts and the first refusals
 * (row = position in `measurements`, from 1) so the client can fix them. Authentication is the API's
 * (services/api/auth-hooks.ts); `authorizeSource` decides which principal may push for which source. A
 * `batch_ref` makes retries idempotent: the same reference for the same source answers with the first batch.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { ForbiddenError, NotFoundError, ServiceUnavailableError, ValidationError } from '../../errors.js';
import type { IngestResult } from '../../ingest/ingest-records.js';
import { ingestPushedBatch, pushedMeasurement } from '../../ingest/push-batch.js';
import type { SourceDefinition } from '../../ingest/sources/source-schema.js';
import type { Clock } from '../../time/shanghai.js';
import { sendApiError } from '../errors.js';

export interface MeasurementPushDeps {
  db: pg.Pool;
  clock: Clock;
  /** The configured sources, read per request so an edited sources file applies; only http_push ones accept. */
  sources: () => Promise<readonly SourceDefinition[]>;
  /** May this request push for this source? Wired by the API from the principal; default: any authenticated caller. */
  authorizeSource?: (request: FastifyRequest, sourceId: string) => boolean | Promise<boolean>;
  /** After a batch that changed data (e.g. enqueue refresh-rollups). */
  onIngested?: (result: IngestResult) => Promise<void>;
  /** Whether the job queue can take the follow-up work now; false: 503 before anything is stored. */
  queueReady?: () => boolean;
  path?: string;
}

const body = z.strictObject({
  source: z.string().min(1),
  batch_ref: z.string().min(1).max(200).optional(),
  // An empty delivery is refused at every door (EmptyFileError: docs/decisions.md, "Empty deliveries").
  measurements: z
    .array(pushedMeasurement)
    .min(1, 'empty: no measurements (EMPTY_FILE); expected at least one measurement'),
});

export function registerMeasurementPushRoute(app: FastifyInstance, deps: MeasurementPushDeps): void {
  app.post(
    deps.path ?? '/api/v1/ingest/measurements',
    { bodyLimit: 32 * 1024 * 1024 },
    async (req, reply) => {
      try {
        const parsed = body.safeParse(req.body);
        if (!parsed.success) throw parsed.error;
        const { source: sourceId, batch_ref: clientRef, measurements } = parsed.data;
        const source = (await deps.sources()).find((s) => s.id === sourceId);
        if (!source || source.adapter !== 'http_push' || !source.enabled) {
          throw new NotFoundError(`no enabled http_push source "${sourceId}"`);
        }
        if (deps.authorizeSource && !(await deps.authorizeSource(req, sourceId))) {
          throw new ForbiddenError(`not allowed to push measurements for source "${sourceId}"`);
        }
        if (measurements.length > source.max_rows) {
          throw new ValidationError(
            `at most ${source.max_rows} measurements per request; got ${measurements.length}`,
            [{ path: 'measurements', reason: `more than max_rows (${source.max_rows})` }],
          );
        }
        if (deps.queueReady && !deps.queueReady()) {
          // Stored data whose rollups could not be asked for would wait for the next sweep; the client
          // retries instead (its batch_ref keeps that idempotent), and never waits on a hung queue.
          throw new ServiceUnavailableError(
            '无法连接任务队列（Redis），本批未保存，请稍后重试 (the job queue (Redis) is unreachable; nothing was stored; retry later)',
            30,
          );
        }
        const push = { sourceId, clientRef: clientRef ?? null, origin: req.ip, measurements };
        const { answer, ingested } = await ingestPushedBatch(deps.db, deps.clock, push);
        if (ingested && ingested.inserted + ingested.updated > 0) await deps.onIngested?.(ingested);
        return reply.send(answer);
      } catch (err) {
        return sendApiError(err, req, reply);
      }
    },
  );
}
