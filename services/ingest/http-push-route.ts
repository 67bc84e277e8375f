/**
 * HTTP push: an authenticated endpoint that accepts batches of measurements.
 *
 *   POST /api/v1/ingest/measurements
 *   { "source": "district_micro_stations", "batch_ref": "2024030109-001",
 *     "measurements": [{ "time": "2024-03-01T09:00:00+08:00", "series": "st_beiyuan_1", "metric": "pm25",
 *                        "value": 48.2, "unit": "µg/m³", "flags": null, "version": "provisional" }] }
 *
 * One request is one batch through the steady path; the answer carries its counts and the first refusals
 * (row = position in `measurements`, from 1) so the client can fix them. Authentication is the API's
 * (services/api/auth-hooks.ts); `authorizeSource` decides which principal may push for which source. A
 * `batch_ref` makes retries idempotent: the same reference for the same source answers with the first batch.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { isPgError, PG } from '../db/pg-errors.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { sendApiError } from '../api/errors.js';
import type { Clock } from '../time/shanghai.js';
import { findBatchByClientRef, openBatch, releaseClientRef, type BatchRow } from './batch-queries.js';
import { ingestRecords, type IngestResult } from './ingest-records.js';
import { measurementKind } from './kinds/measurement-kind.js';
import type { SourceRecord } from './record-kind.js';
import { listRefusedRows } from './refused-queries.js';
import type { SourceDefinition } from './sources/source-schema.js';
import type { RawMeasurement } from './validate-measurement.js';

export interface MeasurementPushDeps {
  db: pg.Pool;
  clock: Clock;
  /** The configured sources, read per request so an edited sources file applies; only http_push ones accept. */
  sources: () => Promise<readonly SourceDefinition[]>;
  /** May this request push for this source? Wired by the API from the principal; default: any authenticated caller. */
  authorizeSource?: (request: FastifyRequest, sourceId: string) => boolean | Promise<boolean>;
  /** After a batch that changed data (e.g. enqueue refresh-rollups). */
  onIngested?: (result: IngestResult) => Promise<void>;
  path?: string;
}

const scalar = z.union([z.string(), z.number(), z.null()]).optional();
const measurement = z
  .object({
    time: scalar,
    series: scalar,
    station: scalar,
    metric: scalar,
    value: scalar,
    unit: scalar,
    flags: z.union([z.string(), z.array(z.string()), z.null()]).optional(),
    version: scalar,
  })
  .loose();

const body = z.strictObject({
  source: z.string().min(1),
  batch_ref: z.string().min(1).max(200).optional(),
  measurements: z.array(measurement).min(1),
});

const text = (v: string | number | null | undefined): string =>
  v === null || v === undefined ? '' : String(v);

function toRecords(items: z.infer<typeof measurement>[]): SourceRecord<RawMeasurement>[] {
  return items.map((m, i) => ({
    row: i + 1,
    raw: {
      time: text(m.time),
      series: text(m.series ?? m.station),
      metric: text(m.metric),
      value: m.value ?? null,
      unit: m.unit === null || m.unit === undefined ? null : String(m.unit),
      flags: Array.isArray(m.flags) ? m.flags.join(';') : (m.flags ?? null),
      version: m.version === null || m.version === undefined ? null : String(m.version),
    },
  }));
}

function answer(b: BatchRow | IngestResult, refusals: IngestResult['refusals'], replayed: boolean) {
  const batchId = 'batchId' in b ? b.batchId : b.id;
  const { received, inserted, updated, unchanged, refused } = b;
  return { batch_id: batchId, received, inserted, updated, unchanged, refused, refusals, replayed };
}

async function replay(db: pg.Pool, batch: BatchRow) {
  if (batch.status !== 'done')
    throw new ConflictError(`batch_ref is already in use by batch ${batch.id} (${batch.status})`);
  const rows = await listRefusedRows(db, { batchId: batch.id, limit: 200 });
  return answer(
    batch,
    rows.map((r) => ({ row: r.row_number, code: r.reason_code, detail: r.reason_detail })),
    true,
  );
}

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
        if (clientRef) {
          const earlier = await findBatchByClientRef(deps.db, sourceId, clientRef);
          if (earlier) return reply.send(await replay(deps.db, earlier));
        }
        const input = { sourceId, adapter: 'http_push', origin: req.ip, clientRef: clientRef ?? null };
        let batchId: number;
        try {
          batchId = await openBatch(deps.db, { ...input, recordKind: 'measurement' });
        } catch (err) {
          // Two requests with the same reference at once: the second answers like a retry.
          if (!clientRef || !isPgError(err, PG.UNIQUE_VIOLATION)) throw err;
          const earlier = await findBatchByClientRef(deps.db, sourceId, clientRef);
          if (!earlier) throw err;
          return reply.send(await replay(deps.db, earlier));
        }
        let result: IngestResult;
        try {
          result = await ingestRecords(deps.db, input, measurementKind, toRecords(measurements), deps.clock, {
            batchId,
          });
        } catch (err) {
          if (clientRef) await releaseClientRef(deps.db, batchId); // the client may retry with the same reference
          throw err;
        }
        if (result.inserted + result.updated > 0) await deps.onIngested?.(result);
        return reply.send(answer(result, result.refusals, false));
      } catch (err) {
        return sendApiError(err, req, reply);
      }
    },
  );
}
