import { describe, expect, it } from 'vitest';
import { client, json, useApiServer } from './harness.js';
import { createUser, seedDistricts } from './factories.js';

const server = useApiServer({ METRICS_TOKEN: 'metrics-token-for-tests-0123' });

describe('operations endpoints', () => {
  it('answers /healthz and /readyz without logging in', async () => {
    const anon = client(server, null);
    expect((await anon.get('/healthz')).status).toBe(200);
    const ready = await anon.get('/readyz');
    expect(ready.status).toBe(200);
    expect(await json(ready)).toMatchObject({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('serves Prometheus metrics behind METRICS_TOKEN, with queue depths and ingest counts', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const res = await fetch(`${server.url}/metrics`, {
      headers: { authorization: 'Bearer metrics-token-for-tests-0123' },
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('envwatch_queue_jobs{queue="ingest",state="waiting"} 0');
    expect(text).toContain('envwatch_ingest_ledger_rows{outcome="inserted"} 0');
    expect(text).toContain('envwatch_metrics_source_up{source="postgres"} 1');
    expect(text).toContain('# TYPE envwatch_job_failures_total counter');
    expect(text).toContain('# TYPE envwatch_delivery_outcomes_total counter');
    expect(text).toContain('# TYPE envwatch_evaluation_duration_seconds histogram');
  });

  it('serves the OpenAPI document at /docs with the API routes and their parameters', async () => {
    const res = await fetch(`${server.url}/docs/json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/measurements',
      '/api/status',
      '/api/alerts',
      '/api/alerts/{id}/acknowledge',
      '/api/reports',
      '/api/ingest/refused',
      '/api/overview',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    const names = doc.paths['/api/measurements']!.get!.parameters!.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['series', 'scope', 'metric', 'from', 'to', 'bucket']));
    expect((await fetch(`${server.url}/docs`)).status).toBeLessThan(400);
  });

  it('gives the queue dashboard to administrators only', async () => {
    await seedDistricts(server.db.pool);
    const admin = await createUser(server.db.pool, 'admin');
    const bureau = await createUser(server.db.pool, 'bureau');
    expect((await client(server, admin.token).get('/admin/queues')).status).toBe(200);
    expect((await client(server, bureau.token).get('/admin/queues')).status).toBe(403);
    const api = await client(server, admin.token).get('/admin/queues/api/queues');
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name)).toContain('evaluate');
  });

  it("serves the e-mails' signed acknowledgement links without a login (the token is the credential)", async () => {
    const res = await fetch(`${server.url}/ack/not-a-valid-token`);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('text/html');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await fetch(`${server.url}/api/nothing-here`);
    expect(res.status).toBe(404);
    expect(await json(res)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
