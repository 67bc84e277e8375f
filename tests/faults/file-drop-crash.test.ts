/**
 * Issue #20 (medium): a file-drop worker killed mid-file left its claim for an hour (CLAIM_TIMEOUT) and its
 * batch "running" for ever. The worker here is a real process, SIGKILLed while it reads a large CSV; the next
 * run, once the claim has gone FILE_CLAIM_STALE_SECONDS without renewal, returns the file, reads it whole as a
 * new batch, and fails the dead worker's batch with what happened. A live worker's claim is renewed and kept.
 */
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileDropAdapter } from '../../services/ingest/adapters/file-drop.js';
import { openBatch } from '../../services/ingest/batch-queries.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { killWhenOpened } from '../helpers/kill-mid-work.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { adapterCtx, seedRealReference, useTempDir } from '../ingest/fixtures.js';
import { crashSource } from './file-drop-source.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-06-01T12:00:00+08:00'));
const tempDir = useTempDir();
const ROWS = 120_000;

function csv(rows: number): string {
  const lines = ['time,series,metric,value,unit,flags,version'];
  const start = Date.UTC(2020, 0, 1);
  const metrics = ['pm25', 'pm10', 'so2', 'no2'];
  for (let i = 0; i < rows; i++) {
    const ts = new Date(start + Math.floor(i / metrics.length) * 3_600_000).toISOString();
    lines.push(`${ts},st_beiyuan_1,${metrics[i % metrics.length]},${30 + (i % 50)},µg/m³,,provisional`);
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  await seedRealReference(db.pool);
});

describe('a file-drop worker killed mid-file', () => {
  it('has its claim returned after FILE_CLAIM_STALE_SECONDS, the file read whole again, its batch failed', async () => {
    const dir = path.join(tempDir(), 'crash_drop');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'big.csv'), csv(ROWS));
    await killWhenOpened(path.join(import.meta.dirname, 'file-drop-child.ts'), [db.url, tempDir()]);
    expect(await readdir(path.join(dir, '.processing'))).toContain('big.csv');

    // A run while the claim is fresh leaves it alone (its worker might be alive).
    const ctx = adapterCtx(db.pool, clock, { dropDir: tempDir(), claimStaleMs: 60_000 });
    expect((await fileDropAdapter.run(crashSource(), ctx)).batches).toEqual([]);
    expect(await readdir(path.join(dir, '.processing'))).toContain('big.csv');

    // Not renewed for longer than the stale timeout: the dead worker's.
    const past = new Date(Date.now() - 120_000);
    await utimes(path.join(dir, '.processing', 'big.csv'), past, past);
    const r = await fileDropAdapter.run(crashSource(), ctx);
    expect(r.batches.map((b) => [b.received, b.refused])).toEqual([[ROWS, 0]]);
    const { rows } = await db.pool.query<{ status: string; error: string | null }>(
      `SELECT status, error FROM ingest_batch WHERE source_id = 'crash_drop' ORDER BY id`,
    );
    expect(rows.map((b) => b.status)).toEqual(['failed', 'done']);
    expect(rows[0]!.error).toMatch(/worker stopped mid-file/);
    const stored = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM measurement WHERE series_id = 'st_beiyuan_1' AND ts < '2024-01-01'`,
    );
    expect(stored.rows[0]!.n).toBe(ROWS);
    expect((await readdir(path.join(dir, '.processing'))).filter((n) => !n.startsWith('.'))).toEqual([]);
  }, 120_000);
});

describe('a worker killed after opening its batch, before noting it beside the claim', () => {
  it('has that batch failed all the same, and no batch of another file', async () => {
    const dir = path.join(tempDir(), 'crash_drop');
    await mkdir(path.join(dir, '.processing'), { recursive: true });
    const claimed = path.join(dir, '.processing', 'small.csv');
    await writeFile(claimed, csv(8));
    const dead = await openBatch(db.pool, {
      sourceId: 'crash_drop',
      adapter: 'file_drop',
      origin: 'small.csv',
    });
    const other = await openBatch(db.pool, {
      sourceId: 'crash_drop',
      adapter: 'file_drop',
      origin: 'other.csv',
    });
    // Claimed two minutes ago, the batch opened a second later, and never renewed since.
    const past = new Date(Date.now() - 120_000);
    await utimes(claimed, past, past);
    await db.pool.query(`UPDATE ingest_batch SET started_at = $2 WHERE id = ANY($1::bigint[])`, [
      [dead, other],
      new Date(past.getTime() + 1000),
    ]);

    const r = await fileDropAdapter.run(
      crashSource(),
      adapterCtx(db.pool, clock, { dropDir: tempDir(), claimStaleMs: 60_000 }),
    );
    expect(r.batches.map((b) => b.received)).toEqual([8]);
    const { rows } = await db.pool.query<{ id: string; status: string; error: string | null }>(
      `SELECT id, status, error FROM ingest_batch WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [[dead, other]],
    );
    expect(rows.map((b) => b.status)).toEqual(['failed', 'running']);
    expect(rows[0]!.error).toMatch(/worker stopped mid-file/);
  });
});

describe('files the drop does not read', () => {
  it('are reported with the reason (hidden names, unknown extensions), not silently skipped', async () => {
    const dir = path.join(tempDir(), 'crash_drop');
    await mkdir(dir, { recursive: true });
    for (const n of ['.hidden.csv', '~$sheet.xlsx', 'notes.docx', 'coming.csv.part'])
      await writeFile(path.join(dir, n), 'time,series,metric,value\n');
    const r = await fileDropAdapter.run(crashSource(), adapterCtx(db.pool, clock, { dropDir: tempDir() }));
    expect(r.batches).toEqual([]);
    expect(r.ignored).toEqual([
      { name: '.hidden.csv', reason: expect.stringMatching(/hidden/) },
      { name: 'notes.docx', reason: 'not .csv, .txt or .xlsx' },
      { name: '~$sheet.xlsx', reason: expect.stringMatching(/hidden/) },
    ]);
  });
});
