import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerMeasurementPushRoute } from '../../services/api/routes/measurement-push-route.js';
import type { IngestResult } from '../../services/ingest/ingest-records.js';
import { parseSources } from '../../services/ingest/sources/load-sources.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { EXAMPLES, seedRealReference } from './fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-03-01T12:00:00+08:00'));
const SOURCES = parseSources(`sources:
  - { id: micro_stations_push, name_zh: 微站推送, adapter: http_push, cadence: hour, expected_lag: 1h, settle_window: 3h, max_rows: 3 }
  - { id: switched_off, name_zh: 停用, adapter: http_push, enabled: false, cadence: hour, expected_lag: 1h, settle_window: 1h }
`);
const URL = '/api/v1/ingest/measurements';

describe('HTTP push route', () => {
  let app: FastifyInstance;
  const ingested: IngestResult[] = [];
  beforeAll(async () => {
    await seedRealReference(db.pool);
    app = Fastify();
    registerMeasurementPushRoute(app, {
      db: db.pool,
      clock,
      sources: async () => SOURCES,
      authorizeSource: (req) => req.headers['x-client'] !== 'stranger',
      onIngested: async (r) => {
        ingested.push(r);
      },
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it('ingests a pushed batch and answers with counts that add up and the refusals', async () => {
    const body = JSON.parse(await readFile(path.join(EXAMPLES, 'http-push-request.json'), 'utf8')) as {
      measurements: unknown[];
    };
    body.measurements.push({ time: '2024-03-01 09:00', series: 'st_beiyuan_1', metric: 'no2', value: 30 });
    const res = await app.inject({ method: 'POST', url: URL, payload: body });
    expect(res.statusCode).toBe(200);
    const answer = res.json<{
      batch_id: number;
      received: number;
      inserted: number;
      refused: number;
      refusals: { row: number; code: string }[];
    }>();
    expect(answer).toMatchObject({
      received: 3,
      inserted: 2,
      updated: 0,
      unchanged: 0,
      refused: 1,
      replayed: false,
    });
    expect(answer.refusals).toMatchObject([{ row: 3, code: 'MISSING_TIMEZONE' }]);
    expect(ingested.map((r) => r.batchId)).toEqual([answer.batch_id]);
    const { rows } = await db.pool.query(
      `SELECT metric_id FROM measurement WHERE batch_id = $1 ORDER BY metric_id`,
      [answer.batch_id],
    );
    expect(rows).toEqual([{ metric_id: 'pm10' }, { metric_id: 'pm25' }]);
  });

  it('answers a retry with the same batch_ref with the first batch instead of ingesting again', async () => {
    const payload = {
      source: 'micro_stations_push',
      batch_ref: 'retry-1',
      measurements: [{ time: '2024-03-01T10:00:00+08:00', series: 'st_luyuan_1', metric: 'pm25', value: 40 }],
    };
    const first = (await app.inject({ method: 'POST', url: URL, payload })).json<{ batch_id: number }>();
    const again = await app.inject({ method: 'POST', url: URL, payload });
    expect(again.json()).toMatchObject({ batch_id: first.batch_id, inserted: 1, replayed: true });
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM ingest_batch WHERE client_ref = 'retry-1'`,
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('refuses a malformed body with 400 naming what is wrong', async () => {
    const res = await app.inject({
      method: 'POST',
      url: URL,
      payload: { source: 'micro_stations_push', measurements: 'lots' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: [{ path: 'measurements' }] },
    });
  });

  it('refuses more rows than the source allows with 400', async () => {
    const m = { time: '2024-03-01T10:00:00+08:00', series: 'st_luyuan_1', metric: 'pm25', value: 1 };
    const res = await app.inject({
      method: 'POST',
      url: URL,
      payload: { source: 'micro_stations_push', measurements: [m, m, m, m] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/at most 3/);
  });

  it('answers 404 for an unknown or disabled source and 403 for a caller not allowed to push for it', async () => {
    const m = [{ time: '2024-03-01T10:00:00+08:00', series: 'st_luyuan_1', metric: 'pm25', value: 1 }];
    expect(
      (await app.inject({ method: 'POST', url: URL, payload: { source: 'nope', measurements: m } }))
        .statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ method: 'POST', url: URL, payload: { source: 'switched_off', measurements: m } }))
        .statusCode,
    ).toBe(404);
    const stranger = await app.inject({
      method: 'POST',
      url: URL,
      headers: { 'x-client': 'stranger' },
      payload: { source: 'micro_stations_push', measurements: m },
    });
    expect(stranger.statusCode).toBe(403);
  });
});
