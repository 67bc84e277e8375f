/**
 * Compressed responses (@fastify/compress): pages, the stylesheet and JSON go out brotli- or gzip-encoded to a
 * client that accepts it; responses under 1 KB and files that are compressed already (PDF, XLSX reports) go
 * out as they are. Requests through node:http, which (unlike fetch) hands back the bytes as sent.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, seedDistricts, type TestUser } from '../api/factories.js';
import { useApiServer } from '../api/harness.js';

const outDir = mkdtempSync(path.join(tmpdir(), 'envwatch-out-'));
const server = useApiServer({ OUT_DIR: outDir });
let bureau: TestUser;
let reportId: number;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(urlPath: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${urlPath}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Bytes that would shrink a lot: a compressor that took them would show it. */
const compressible = Buffer.from('%PDF-1.7 通州区2024年3月排名通报 '.repeat(800));

beforeAll(async () => {
  const pool = server.db.pool;
  await seedDistricts(pool);
  bureau = await createUser(pool, 'bureau');
  mkdirSync(path.join(outDir, 'reports/tongzhou/2024-03'), { recursive: true });
  const sha = createHash('sha256').update(compressible).digest('hex');
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO report (kind, scope_id, period_key, version, data_version, data_fingerprint, reason)
     VALUES ('monthly', 'tongzhou', '2024-03', 1, 'provisional', 'f1', 'schedule') RETURNING id`,
  );
  reportId = rows[0]!.id;
  for (const format of ['pdf', 'xlsx', 'csv']) {
    writeFileSync(path.join(outDir, `reports/tongzhou/2024-03/report.${format}`), compressible);
    await pool.query(
      `INSERT INTO report_file (report_id, locale, format, path, file_name, bytes, sha256)
       VALUES ($1, 'zh-CN', $2, $3, $4, $5, $6)`,
      [
        reportId,
        format,
        `reports/tongzhou/2024-03/report.${format}`,
        `report.${format}`,
        compressible.length,
        sha,
      ],
    );
  }
});

describe('response compression', () => {
  it('sends the stylesheet brotli-encoded to a browser, gzip to a client without brotli', async () => {
    const plain = await get('/assets/app.css');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await get('/assets/app.css', { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toContain('accept-encoding');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    // Measured: 16,994 bytes of CSS as 5,052; half is a loose bound that a stylesheet edit will not trip.
    expect(br.body.length).toBeLessThan(plain.body.length / 2);
    const gz = await get('/assets/app.css', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
  });

  it('compresses HTML pages and JSON', async () => {
    const page = await get('/login', { 'accept-encoding': 'br' });
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-encoding']).toBe('br');
    const doc = await get('/docs/json', { 'accept-encoding': 'gzip' });
    expect(doc.headers['content-type']).toContain('application/json');
    expect(doc.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(doc.body).toString('utf8'))).toHaveProperty('openapi');
  });

  it('leaves a response under 1 KB as it is', async () => {
    const health = await get('/healthz', { 'accept-encoding': 'gzip, br' });
    expect(health.status).toBe(200);
    expect(health.body.length).toBeLessThan(1024);
    expect(health.headers['content-encoding']).toBeUndefined();
  });

  it('sends PDF and XLSX reports as stored (compressed already), a CSV report compressed', async () => {
    const auth = { authorization: `Bearer ${bureau.token}`, 'accept-encoding': 'gzip, deflate, br' };
    for (const format of ['pdf', 'xlsx']) {
      const res = await get(`/api/reports/${reportId}/files/zh-CN/${format}`, auth);
      expect(res.status, format).toBe(200);
      expect(res.headers['content-encoding'], format).toBeUndefined();
      expect(res.body.equals(compressible), format).toBe(true);
    }
    const csv = await get(`/api/reports/${reportId}/files/zh-CN/csv`, auth);
    expect(csv.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(csv.body).equals(compressible)).toBe(true);
  });
});
