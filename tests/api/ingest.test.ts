import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { client, json, useApiServer } from './harness.js';
import { createUser, seedDistricts, type TestUser } from './factories.js';

const sourcesFile = path.join(mkdtempSync(path.join(tmpdir(), 'envwatch-api-')), 'sources.yaml');
writeFileSync(
  sourcesFile,
  `sources:
  - id: micro_push
    name_zh: 微型站推送
    adapter: http_push
    cadence: hour
    expected_lag: 2h
    settle_window: 1h
`,
);

const server = useApiServer({ SOURCES_FILE: sourcesFile });
let bureau: TestUser;
let area: TestUser;
let readonly: TestUser;

const m = (time: string, series: string, value: number | string) => ({
  time,
  series,
  metric: 'pm25',
  value,
  version: 'provisional',
});

beforeAll(async () => {
  await seedDistricts(server.db.pool);
  bureau = await createUser(server.db.pool, 'bureau');
  area = await createUser(server.db.pool, 'area', { areaId: 'beiyuan' });
  readonly = await createUser(server.db.pool, 'readonly');
});

describe('measurement push and refused rows', () => {
  let firstBatch: number;

  it('accepts a push from a bureau token, refusing bad rows with reasons, and audits it', async () => {
    const res = await client(server, bureau.token).send('POST', '/api/ingest/measurements', {
      source: 'micro_push',
      batch_ref: 'r-1',
      measurements: [
        m('2024-03-01T09:00:00+08:00', 'st_beiyuan_1', 48),
        m('2024-03-01T09:00:00+08:00', 'st_nowhere', 40),
        m('2024-03-01T10:00:00+08:00', 'st_beiyuan_1', -3),
      ],
    });
    expect(res.status).toBe(200);
    const body = await json<{
      batch_id: number;
      received: number;
      inserted: number;
      refused: number;
      refusals: { row: number; code: string }[];
    }>(res);
    expect(body).toMatchObject({ received: 3, inserted: 1, refused: 2 });
    expect(body.refusals.map((r) => r.code).sort()).toEqual(['NEGATIVE_VALUE', 'UNKNOWN_SERIES']);
    firstBatch = body.batch_id;
    const audit = await server.db.pool.query(
      `SELECT actor, entity_id FROM audit_log WHERE action = 'measurement.push'`,
    );
    expect(audit.rows).toEqual([{ actor: bureau.username, entity_id: String(firstBatch) }]);
  });

  it('refuses pushes from street/town and read-only accounts', async () => {
    const body = { source: 'micro_push', measurements: [m('2024-03-01T11:00:00+08:00', 'st_beiyuan_1', 40)] };
    expect((await client(server, area.token).send('POST', '/api/ingest/measurements', body)).status).toBe(
      403,
    );
    expect((await client(server, readonly.token).send('POST', '/api/ingest/measurements', body)).status).toBe(
      403,
    );
    expect((await client(server, null).send('POST', '/api/ingest/measurements', body)).status).toBe(401);
  });

  it('lists batches and open refused rows with their raw content', async () => {
    const c = client(server, readonly.token);
    const batches = await json<{ batches: { id: number; refused: number; adapter: string }[] }>(
      await c.get('/api/ingest/batches?source=micro_push'),
    );
    expect(batches.batches[0]).toMatchObject({ id: firstBatch, refused: 2, adapter: 'http_push' });
    const refused = await json<{ rows: { reason_code: string; raw: { series: string }; status: string }[] }>(
      await c.get(`/api/ingest/refused?batch=${firstBatch}&status=open`),
    );
    expect(refused.rows.map((r) => r.raw.series).sort()).toEqual(['st_beiyuan_1', 'st_nowhere']);
    const sources = await json<{ sources: { source_id: string; open_refused: number }[] }>(
      await c.get('/api/ingest/sources'),
    );
    expect(sources.sources).toEqual([expect.objectContaining({ source_id: 'micro_push', open_refused: 2 })]);
  });

  it('re-processes a refused row with a correction, stores it, closes the row and audits it', async () => {
    const open = await json<{ rows: { id: number; reason_code: string }[] }>(
      await client(server, bureau.token).get(`/api/ingest/refused?batch=${firstBatch}`),
    );
    const negative = open.rows.find((r) => r.reason_code === 'NEGATIVE_VALUE')!;
    expect(
      (await client(server, readonly.token).send('POST', `/api/ingest/refused/${negative.id}/reprocess`, {}))
        .status,
    ).toBe(403);
    const res = await client(server, bureau.token).send(
      'POST',
      `/api/ingest/refused/${negative.id}/reprocess`,
      { correction: { value: 3 } },
    );
    expect(res.status).toBe(200);
    const out = await json<{ reprocessed: number[]; stillRefused: unknown[]; batchIds: number[] }>(res);
    expect(out).toMatchObject({ reprocessed: [negative.id], stillRefused: [] });
    const stored = await server.db.pool.query(
      `SELECT value FROM measurement WHERE series_id = 'st_beiyuan_1' AND ts = '2024-03-01T10:00:00+08:00'`,
    );
    expect(stored.rows).toEqual([{ value: 3 }]);
    const row = await json<{ status: string; resolved_by: string }>(
      await client(server, bureau.token).get(`/api/ingest/refused/${negative.id}`),
    );
    expect(row).toMatchObject({ status: 'reprocessed', resolved_by: bureau.username });
    const audit = await server.db.pool.query(
      `SELECT before->>'status' AS before, after->>'status' AS after FROM audit_log WHERE action = 'refused_row.reprocess' AND entity_id = $1`,
      [String(negative.id)],
    );
    expect(audit.rows).toEqual([{ before: 'open', after: 'reprocessed' }]);
    expect(
      (await client(server, bureau.token).send('POST', `/api/ingest/refused/${negative.id}/reprocess`, {}))
        .status,
    ).toBe(409);
  });

  it('reports a row refused again under its new id and reason', async () => {
    const open = await json<{ rows: { id: number; reason_code: string }[] }>(
      await client(server, bureau.token).get(`/api/ingest/refused?batch=${firstBatch}&status=open`),
    );
    const unknown = open.rows.find((r) => r.reason_code === 'UNKNOWN_SERIES')!;
    const out = await json<{
      reprocessed: number[];
      stillRefused: { id: number; retryOf: number; reasonCode: string }[];
    }>(await client(server, bureau.token).send('POST', `/api/ingest/refused/${unknown.id}/reprocess`, {}));
    expect(out.reprocessed).toEqual([]);
    expect(out.stillRefused).toEqual([
      expect.objectContaining({ retryOf: unknown.id, reasonCode: 'UNKNOWN_SERIES' }),
    ]);
    // Discarding the new row closes the matter.
    const again = out.stillRefused[0]!.id;
    const res = await client(server, bureau.token).send('POST', `/api/ingest/refused/${again}/discard`, {
      reason: 'station decommissioned',
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: 'discarded' });
    const audit = await server.db.pool.query(
      `SELECT after->>'reason' AS reason FROM audit_log WHERE action = 'refused_row.discard'`,
    );
    expect(audit.rows).toEqual([{ reason: 'station decommissioned' }]);
  });

  it('is closed to street/town accounts', async () => {
    expect((await client(server, area.token).get('/api/ingest/refused')).status).toBe(403);
    expect((await client(server, area.token).get('/api/ingest/sources')).status).toBe(403);
  });
});
