/**
 * A local stand-in for the municipal station feed, on 127.0.0.1 and a free port, so the demo exercises the
 * HTTP-pull route for real (sockets, paging, JSON) without reaching anyone's server.
 *
 *   GET /api/v1/stations/hourly?from=<ISO>&to=<ISO>&cursor=<n>&limit=<n>
 *   → { "code": 0, "data": { "items": [{ time, station, metric, value, unit, version }], "next": "<n>" | null } }
 *
 * The window selects records by the hour they were published, not by the time they carry: a logger whose
 * clock says the wrong year still publishes on time, and the puller must see (and refuse) that record.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RawMeasurement } from '../ingest/validate-measurement.js';

export const FEED_PATH = '/api/v1/stations/hourly';
const DEFAULT_PAGE = 10_000;
const MAX_PAGE = 20_000;

export interface FeedRecord {
  publishedAt: number;
  row: RawMeasurement;
}

export interface FeedServer {
  url: string;
  /** Adds records to the feed (kept sorted by publication time). */
  publish(records: readonly FeedRecord[]): void;
  /** Forgets records published before `t` (the feed keeps a rolling window, as real ones do). */
  retireBefore(t: number): void;
  /** Requests served so far (the demo's summary shows the pull really went over HTTP). */
  requests(): number;
  close(): Promise<void>;
}

function lowerBound(records: readonly FeedRecord[], t: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (records[mid]!.publishedAt < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export async function startFeedServer(): Promise<FeedServer> {
  let records: FeedRecord[] = [];
  let served = 0;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== FEED_PATH) {
      send(res, 404, { code: 404, message: 'not found' });
      return;
    }
    const from = Date.parse(url.searchParams.get('from') ?? '');
    const to = Date.parse(url.searchParams.get('to') ?? '');
    if (Number.isNaN(from) || Number.isNaN(to) || to <= from) {
      send(res, 400, { code: 400, message: 'from and to must be ISO 8601 instants, from < to' });
      return;
    }
    const limit = Math.min(
      MAX_PAGE,
      Math.max(1, Number(url.searchParams.get('limit') ?? DEFAULT_PAGE) || DEFAULT_PAGE),
    );
    const start = Math.max(lowerBound(records, from), Number(url.searchParams.get('cursor') ?? 0) || 0);
    const end = lowerBound(records, to);
    const stop = Math.min(end, start + limit);
    served += 1;
    const items = records.slice(start, stop).map(({ row }) => ({
      time: row.time,
      station: row.series,
      metric: row.metric,
      value: row.value,
      unit: row.unit ?? null,
      version: row.version ?? 'provisional',
    }));
    send(res, 200, { code: 0, data: { items, next: stop < end ? String(stop) : null } });
  };
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${FEED_PATH}`,
    publish(more) {
      records = [...records, ...more].sort((a, b) => a.publishedAt - b.publishedAt);
    },
    retireBefore(t) {
      records = records.slice(lowerBound(records, t));
    },
    requests: () => served,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
