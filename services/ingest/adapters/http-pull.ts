/**
 * HTTP pull: a JSON endpoint read on the source's schedule, such as a municipal platform's hourly station
 * feed. Each run asks for the window of periods still inside expected lag + settle window, so late values and
 * revisions (provisional → audited) are picked up; unchanged values change nothing. Where time, station,
 * metric and value sit in a record, how pages follow each other and which header carries the secret are all
 * configuration (config/sources.yaml, mapping / paging / auth). One run is one batch; pages are fetched as the
 * batch consumes them, so memory holds one page at a time.
 */
import { ExternalServiceError, ValidationError, errorMessage } from '../../errors.js';
import { formatShanghai } from '../../time/shanghai.js';
import { periodStartOf, previousPeriodStart } from '../freshness.js';
import { ingestRecords } from '../ingest-records.js';
import { measurementKind } from '../kinds/measurement-kind.js';
import type { SourceRecord } from '../record-kind.js';
import type { HttpPullSource } from '../sources/source-schema.js';
import type { RawMeasurement } from '../validate-measurement.js';
import type { AdapterContext, SourceAdapter } from './adapter.js';
import { mapPullRecord } from './pull-mapping.js';
import { getPath } from './json-path.js';

/** The window a run asks for: from the start of the oldest period still settling, to now. */
export function pullWindow(source: HttpPullSource, now: Date): { from: Date; to: Date } {
  const horizon = new Date(now.getTime() - source.expected_lag - source.settle_window);
  if (source.cadence === 'event') return { from: horizon, to: now };
  // One period more than the horizon: the period that was due last may still be revised.
  return { from: previousPeriodStart(source.cadence, periodStartOf(source.cadence, horizon)), to: now };
}

function fillTemplate(template: string, window: { from: Date; to: Date }): string {
  return template
    .replaceAll('{from}', formatShanghai(window.from, "yyyy-MM-dd'T'HH:mm:ssXXX"))
    .replaceAll('{to}', formatShanghai(window.to, "yyyy-MM-dd'T'HH:mm:ssXXX"))
    .replaceAll('{from_local}', formatShanghai(window.from, 'yyyy-MM-dd HH:mm:ss'))
    .replaceAll('{to_local}', formatShanghai(window.to, 'yyyy-MM-dd HH:mm:ss'));
}

function firstUrl(source: HttpPullSource, window: { from: Date; to: Date }): URL {
  const url = new URL(source.url);
  for (const [k, v] of Object.entries(source.query)) url.searchParams.set(k, fillTemplate(v, window));
  if (source.paging.kind === 'page') {
    url.searchParams.set(source.paging.param, String(source.paging.start));
    if (source.paging.size_param && source.paging.size)
      url.searchParams.set(source.paging.size_param, String(source.paging.size));
  }
  return url;
}

function headersOf(
  source: HttpPullSource,
  secrets: Readonly<Record<string, string>>,
): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json', ...source.headers };
  if (source.auth) {
    const secret = secrets[source.auth.secret];
    if (!secret) {
      throw new ValidationError(
        `source ${source.id}: SOURCE_SECRETS has no "${source.auth.secret}" for its ${source.auth.header} header`,
      );
    }
    headers[source.auth.header] = `${source.auth.prefix}${secret}`;
  }
  return headers;
}

async function fetchJson(
  url: URL,
  headers: Record<string, string>,
  source: HttpPullSource,
  signal: AbortSignal,
): Promise<unknown> {
  const service = `${source.id} ${url.origin}${url.pathname}`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers,
      signal: AbortSignal.any([signal, AbortSignal.timeout(source.timeout_ms)]),
    });
  } catch (err) {
    throw new ExternalServiceError(`${service}: request failed: ${errorMessage(err)}`, source.id, true, {
      cause: err,
    });
  }
  if (!res.ok) {
    const body = (await res.text().catch(() => '')).slice(0, 300);
    // 5xx and 429 pass; 4xx (a wrong URL, a refused secret) will not get better by retrying.
    const temporary = res.status >= 500 || res.status === 429 || res.status === 408;
    throw new ExternalServiceError(`${service}: HTTP ${res.status} ${body}`, source.id, temporary);
  }
  try {
    return await res.json();
  } catch (err) {
    throw new ExternalServiceError(
      `${service}: the response is not JSON: ${errorMessage(err)}`,
      source.id,
      true,
      { cause: err },
    );
  }
}

/** Every record of every page, mapped to raw measurements; the next page is fetched when this one is used up. */
async function* pullRecords(
  source: HttpPullSource,
  ctx: AdapterContext,
  window: { from: Date; to: Date },
): AsyncGenerator<SourceRecord<RawMeasurement>> {
  const headers = headersOf(source, ctx.secrets);
  let url: URL | null = firstUrl(source, window);
  let n = 0;
  for (let page = 1; url; page++) {
    if (page > source.max_pages) {
      throw new ValidationError(
        `source ${source.id}: more than max_pages (${source.max_pages}) pages; raise it or narrow the query`,
      );
    }
    const body = await fetchJson(url, headers, source, ctx.signal);
    const records = getPath(body, source.mapping.records);
    if (!Array.isArray(records)) {
      throw new ValidationError(
        `source ${source.id}: mapping.records "${source.mapping.records}" is not an array in page ${page}`,
      );
    }
    for (const [i, rec] of records.entries()) {
      for (const raw of mapPullRecord(rec, source.mapping, `page ${page} #${i + 1}`)) yield { row: ++n, raw };
    }
    url = nextUrl(source, url, body, records.length);
  }
}

function nextUrl(source: HttpPullSource, current: URL, body: unknown, count: number): URL | null {
  const paging = source.paging;
  switch (paging.kind) {
    case 'none':
      return null;
    case 'page': {
      if (count === 0 || (paging.size !== undefined && count < paging.size)) return null;
      const next = new URL(current);
      next.searchParams.set(paging.param, String(Number(current.searchParams.get(paging.param)) + 1));
      return next;
    }
    case 'cursor': {
      const cursor = getPath(body, paging.next);
      if (cursor === null || cursor === undefined || cursor === '' || count === 0) return null;
      const next = new URL(current);
      next.searchParams.set(paging.param, String(cursor));
      return next;
    }
    case 'next_url': {
      const link = getPath(body, paging.next);
      return typeof link === 'string' && link !== '' && count > 0 ? new URL(link, current) : null;
    }
  }
}

export const httpPullAdapter: SourceAdapter<HttpPullSource> = {
  adapter: 'http_pull',
  async run(source, ctx) {
    const window = pullWindow(source, ctx.clock.now());
    const origin = `${source.url} ${window.from.toISOString()}..${window.to.toISOString()}`;
    const batch = await ingestRecords(
      ctx.db,
      { sourceId: source.id, adapter: 'http_pull', origin, tick: ctx.tick },
      measurementKind,
      pullRecords(source, ctx, window),
      ctx.clock,
    );
    return { sourceId: source.id, batches: [batch], rejected: [] };
  },
};
