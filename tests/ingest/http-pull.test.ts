import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpPullAdapter, pullWindow } from '../../services/ingest/adapters/http-pull.js';
import { parseSources } from '../../services/ingest/sources/load-sources.js';
import type { HttpPullSource } from '../../services/ingest/sources/source-schema.js';
import { ExternalServiceError, ValidationError } from '../../services/errors.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { EXAMPLES, adapterCtx, batchState, seedRealReference } from './fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-03-01T12:20:00+08:00'));

type Handler = (req: IncomingMessage, url: URL, res: ServerResponse) => void;
let handler: Handler = (_req, _url, res) => res.writeHead(404).end();
const requests: URL[] = [];
let server: Server;
let base = '';

function json(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function pullSource(yamlBody: string): HttpPullSource {
  const [s] = parseSources(
    `sources:\n  - id: feed\n    name_zh: 测试接口\n    adapter: http_pull\n    schedule: '10 * * * *'\n${yamlBody}`,
  );
  return s as HttpPullSource;
}

const WIDE = `    cadence: hour
    expected_lag: 1h
    settle_window: 6h
    url: URL/api/hourly
    query: { start: '{from_local}', end: '{to_local}' }
    auth: { header: Authorization, secret: feed_token, prefix: 'Bearer ' }
    paging: { kind: page, param: page, size_param: pageSize, size: 2 }
    mapping:
      records: data.items
      time: TimePoint
      time_zone: '+08:00'
      series: StationCode
      metrics: { pm25: PM2_5, pm10: PM10, co: CO }
      metric_flags: { pm25: PM2_5_Flag }
      units: { co: mg/m³ }
      version_value: provisional
      invalid_flags: [H]
`;

describe('HTTP pull adapter (a local HTTP server)', () => {
  beforeAll(async () => {
    await seedRealReference(db.pool);
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      requests.push(url);
      handler(req, url, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('pages through a wide feed with its secret and maps time, station, metrics, units and invalid codes', async () => {
    const example = JSON.parse(await readFile(path.join(EXAMPLES, 'http-pull-response.json'), 'utf8')) as {
      data: { items: Record<string, unknown>[] };
    };
    const third = { ...example.data.items[0], TimePoint: '2024-03-01 10:00:00', PM2_5: 44.4 };
    const pages = [example.data.items, [third]];
    handler = (req, url, res) => {
      if (req.headers.authorization !== 'Bearer s3cret') return json(res, { error: 'unauthorized' }, 401);
      json(res, { data: { items: pages[Number(url.searchParams.get('page')) - 1] ?? [] } });
    };
    requests.length = 0;
    const s = pullSource(WIDE.replace('URL', base));
    const r = await httpPullAdapter.run(s, adapterCtx(db.pool, clock, { secrets: { feed_token: 's3cret' } }));

    expect(requests.map((u) => u.searchParams.get('page'))).toEqual(['1', '2']);
    // The window: every hour still inside expected lag (1 h) + settle window (6 h), and one more.
    expect(requests[0]!.searchParams.get('start')).toBe('2024-03-01 04:00:00');
    expect(requests[0]!.searchParams.get('end')).toBe('2024-03-01 12:20:00');
    expect(r.batches[0]).toMatchObject({ received: 8, inserted: 8, refused: 0 }); // 3 + 2 (PM10 null: not measured) + 3
    const { rows } = await db.pool.query<{
      series_id: string;
      metric_id: string;
      value: number;
      flags: string[];
      ts: Date;
    }>(
      `SELECT series_id, metric_id, value, flags, ts FROM measurement WHERE source_id = 'feed' ORDER BY ts, series_id, metric_id`,
    );
    expect(rows.find((x) => x.series_id === 'st_zhongcang_1' && x.metric_id === 'pm25')!.flags).toEqual([
      'H',
      'invalid',
    ]);
    expect(rows.find((x) => x.metric_id === 'co')!.value).toBe(0.6);
    expect(rows[0]!.ts.toISOString()).toBe('2024-03-01T01:00:00.000Z');
  });

  it('follows a cursor and stores an hour stamped by its end under its start', async () => {
    handler = (_req, url, res) => {
      const cursor = url.searchParams.get('cursor');
      const item = (hour: number, v: number) => ({
        t: `2024-03-01T${hour}:00:00+08:00`,
        st: 'st_yuqiao_1',
        p: 'pm25',
        v,
      });
      if (!cursor) return json(res, { items: [item(10, 30)], next: 'c2' });
      if (cursor === 'c2') return json(res, { items: [item(11, 31)], next: null });
      json(res, { items: [] }, 400);
    };
    const s = pullSource(`    cadence: hour
    expected_lag: 1h
    settle_window: 2h
    url: ${base}/long
    paging: { kind: cursor, param: cursor, next: next }
    mapping: { records: items, time: t, time_label: end, series: st, metric: p, value: v }
`);
    const r = await httpPullAdapter.run(s, adapterCtx(db.pool, clock));
    expect(r.batches[0]).toMatchObject({ received: 2, inserted: 2 });
    const { rows } = await db.pool.query<{ ts: Date }>(
      `SELECT ts FROM measurement WHERE series_id = 'st_yuqiao_1' ORDER BY ts`,
    );
    expect(rows.map((x) => x.ts.toISOString())).toEqual([
      '2024-03-01T01:00:00.000Z',
      '2024-03-01T02:00:00.000Z',
    ]);
  });

  it('fails the batch as temporary when the server answers 503, and records the error on the source', async () => {
    handler = (_req, _url, res) => json(res, { error: 'maintenance' }, 503);
    const s = pullSource(WIDE.replace('URL', base));
    const err = await httpPullAdapter
      .run(s, adapterCtx(db.pool, clock, { secrets: { feed_token: 's3cret' } }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as ExternalServiceError).permanent).toBe(false);
    const { rows } = await db.pool.query<{ id: number; last_error: string }>(
      `SELECT b.id, s.last_error FROM ingest_batch b JOIN source_status s USING (source_id) WHERE b.source_id = 'feed' ORDER BY b.id DESC LIMIT 1`,
    );
    expect(await batchState(db.pool, rows[0]!.id)).toMatchObject({ status: 'failed' });
    expect(rows[0]!.last_error).toMatch(/HTTP 503/);
  });

  it('treats a refused secret as permanent and a missing one as a configuration error', async () => {
    handler = (_req, _url, res) => json(res, { error: 'unauthorized' }, 401);
    const s = pullSource(WIDE.replace('URL', base));
    const refused = await httpPullAdapter
      .run(s, adapterCtx(db.pool, clock, { secrets: { feed_token: 'wrong' } }))
      .catch((e: unknown) => e);
    expect((refused as ExternalServiceError).permanent).toBe(true);
    const missing = await httpPullAdapter.run(s, adapterCtx(db.pool, clock)).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ValidationError);
    expect((missing as Error).message).toMatch(/SOURCE_SECRETS has no "feed_token"/);
  });

  it('asks a monthly source for the months still settling', () => {
    const s = pullSource(`    cadence: month
    expected_lag: 10d
    settle_window: 10d
    url: http://127.0.0.1/x
    mapping: { records: r, time: t, series: s, metric: m, value: v }
`);
    const w = pullWindow(s, new Date('2024-03-25T00:00:00+08:00'));
    expect(w.from.toISOString()).toBe('2024-01-31T16:00:00.000Z'); // 1 February, Shanghai
  });
});
