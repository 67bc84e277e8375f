import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { client, json, useApiServer } from './harness.js';
import { createUser, seedDistricts, type TestUser } from './factories.js';

const outDir = mkdtempSync(path.join(tmpdir(), 'envwatch-out-'));
const server = useApiServer({ OUT_DIR: outDir });
const content = '<html><body>2024年3月 各街道乡镇排名</body></html>';
let area: TestUser;
let bda: TestUser;
let reportId: number;

beforeAll(async () => {
  const pool = server.db.pool;
  await seedDistricts(pool);
  area = await createUser(pool, 'area', { areaId: 'beiyuan' });
  bda = await createUser(pool, 'area', { areaId: 'ronghua' });
  mkdirSync(path.join(outDir, 'reports/tongzhou/2024-03'), { recursive: true });
  writeFileSync(path.join(outDir, 'reports/tongzhou/2024-03/report.zh-CN.html'), content);
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO report (kind, scope_id, period_key, version, data_version, data_fingerprint, reason)
     VALUES ('monthly', 'tongzhou', '2024-03', 1, 'provisional', 'f1', 'schedule') RETURNING id`,
  );
  reportId = rows[0]!.id;
  await pool.query(
    `INSERT INTO report_file (report_id, locale, format, path, file_name, bytes, sha256) VALUES
       ($1, 'zh-CN', 'html', 'reports/tongzhou/2024-03/report.zh-CN.html', '通州区2024年3月排名通报.html', $2, $3),
       ($1, 'en', 'pdf', 'reports/tongzhou/2024-03/missing.en.pdf', 'tongzhou-2024-03.pdf', 10, $3),
       ($1, 'en', 'csv', '../../etc/passwd', 'escape.csv', 10, $3)`,
    [reportId, Buffer.byteLength(content), createHash('sha256').update(content).digest('hex')],
  );
});

describe('reports archive', () => {
  it("lists the district's reports with their files to a street/town of that district", async () => {
    const body = await json<{
      reports: { id: number; period_key: string; files: { locale: string; format: string }[] }[];
    }>(await client(server, area.token).get('/api/reports'));
    expect(body.reports).toEqual([expect.objectContaining({ id: reportId, period_key: '2024-03' })]);
    expect(body.reports[0]!.files.map((f) => `${f.locale}/${f.format}`)).toEqual([
      'zh-CN/html',
      'en/csv',
      'en/pdf',
    ]);
  });

  it('downloads a file with its Chinese name and checksum', async () => {
    const res = await client(server, area.token).get(`/api/reports/${reportId}/files/zh-CN/html`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(content);
    expect(res.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('通州区2024年3月排名通报.html')}`,
    );
    expect(res.headers.get('x-content-sha256')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses another district, missing files and paths outside the archive', async () => {
    expect((await client(server, bda.token).get(`/api/reports/${reportId}/files/zh-CN/html`)).status).toBe(
      403,
    );
    expect((await client(server, bda.token).get('/api/reports?district=tongzhou')).status).toBe(403);
    expect((await client(server, area.token).get(`/api/reports/${reportId}/files/en/pdf`)).status).toBe(404);
    expect((await client(server, area.token).get(`/api/reports/${reportId}/files/en/csv`)).status).toBe(404);
    expect((await client(server, area.token).get(`/api/reports/${reportId}/files/en/xlsx`)).status).toBe(404);
  });
});
