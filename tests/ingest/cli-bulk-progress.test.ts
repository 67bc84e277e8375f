/**
 * `envwatch ingest --bulk --progress` as a user runs it (node, tsx, the CLI entry point): progress on stderr
 * — rows, rows/s, elapsed, what is left — the results alone on stdout, the rows stored.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatProgress } from '../../services/cli/progress.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { ROOT, seedRealReference, useTempDir, writeCsv } from './fixtures.js';

const db = useTestDatabase();
const tmp = useTempDir();

beforeAll(async () => {
  await seedRealReference(db.pool);
});

describe('progress of a bulk load', () => {
  it('estimates what is left from the share of the file read', () => {
    const line = formatProgress({ rows: 250_000, bytesRead: 25, totalBytes: 100, elapsedMs: 10_000 });
    expect(line).toBe(
      '已读 250,000 行 · 25,000 行/秒 · 用时 0:10 · 剩余约 0:30 (25%) (rows read, rows/s, elapsed, left)',
    );
    expect(formatProgress({ rows: 9, bytesRead: 1, totalBytes: 1000, elapsedMs: 500 })).not.toContain('剩余');
    expect(
      formatProgress({ rows: 1_000_000, bytesRead: 50, totalBytes: 50, elapsedMs: 3_725_000 }, true),
    ).toContain('用时 1:02:05 · 完成 (done)');
    const moving = { rows: 100_000, bytesRead: 50, totalBytes: 50, elapsedMs: 60_000, readMs: 10_000 };
    expect(formatProgress(moving)).toBe(
      '已读 100,000 行 · 10,000 行/秒 · 用时 1:00 · 文件已读完，数据库写入中 (file read; the database is finishing) (rows read, rows/s, elapsed, left)',
    );
  });

  it('is written to stderr with --progress, the counts to stdout, and the rows are stored', async () => {
    const rows: (string | number)[][] = [['time', 'series', 'metric', 'value', '采样人']];
    for (let h = 0; h < 2_000; h++) {
      const at = new Date(Date.parse('2024-01-01T00:00:00+08:00') + h * 3_600_000);
      const local = new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19);
      rows.push([`${local}+08:00`, 'st_beiyuan_1', 'pm25', 20 + (h % 50), '王五']);
    }
    const file = await writeCsv(path.join(tmp(), 'year.csv'), rows);
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['bin/envwatch.mjs', 'ingest', file, '--bulk', '--progress', '--no-rollups'],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent' } },
    );
    expect(stderr).toMatch(/已读 2,000 行 · [\d,]+ 行\/秒 · 用时 \d+:\d\d · 完成 \(done\)/);
    expect(stdout).not.toContain('已读');
    expect(stdout).toMatch(/收到 2000，新增 2000，更新 0，未变 0，拒收 0/);
    expect(stdout).toContain('未读取的列 (columns not read): 采样人');
    const { rows: stored } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM measurement WHERE series_id = 'st_beiyuan_1' AND metric_id = 'pm25'`,
    );
    expect(stored[0]!.n).toBe(2_000);
  });
});
