/** Shared helpers of the ingest tests: the real reference data, temporary files, batch rows. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '../../services/logging.js';
import type { AdapterContext } from '../../services/ingest/adapters/adapter.js';
import { loadReferenceSet } from '../../services/reference/load-reference.js';
import { seedReference } from '../../services/reference/seed-reference.js';
import type { Clock } from '../../services/time/shanghai.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const EXAMPLES = path.join(ROOT, 'examples/ingest');

export async function seedRealReference(pool: pg.Pool): Promise<void> {
  await seedReference(pool, await loadReferenceSet(path.join(ROOT, 'config/reference')));
}

/** A temporary directory made before the file's tests and removed after them; call at the file's top level. */
export function useTempDir(): () => string {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'envwatch-ingest-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (!dir) throw new Error('temp dir not ready: use it inside a test or hook');
    return dir;
  };
}

export async function writeCsv(
  file: string,
  rows: readonly (readonly (string | number)[])[],
): Promise<string> {
  const quote = (c: string | number) =>
    /[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c);
  await writeFile(file, rows.map((r) => r.map(quote).join(',')).join('\n') + '\n', 'utf8');
  return file;
}

export type Cell = string | number | Date | null;

export async function writeXlsx(
  file: string,
  sheets: { name: string; rows: readonly (readonly Cell[])[] }[],
): Promise<string> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    for (const r of s.rows) ws.addRow([...r]);
  }
  await wb.xlsx.writeFile(file);
  return file;
}

export interface BatchState {
  status: string;
  received: number;
  inserted: number;
  updated: number;
  unchanged: number;
  refused: number;
  error: string | null;
}

export async function batchState(pool: pg.Pool, id: number): Promise<BatchState> {
  const { rows } = await pool.query<BatchState>(
    `SELECT status, received, inserted, updated, unchanged, refused, error FROM ingest_batch WHERE id = $1`,
    [id],
  );
  return rows[0]!;
}

export async function refusedCodes(pool: pg.Pool, batchId: number): Promise<string[]> {
  const { rows } = await pool.query<{ reason_code: string }>(
    `SELECT reason_code FROM refused_row WHERE batch_id = $1 ORDER BY row_number, id`,
    [batchId],
  );
  return rows.map((r) => r.reason_code);
}

export function adapterCtx(pool: pg.Pool, clock: Clock, over: Partial<AdapterContext> = {}): AdapterContext {
  return {
    db: pool,
    clock,
    logger: createLogger({ level: 'silent' }),
    signal: new AbortController().signal,
    tick: null,
    dropDir: '/nonexistent',
    bulkThresholdMb: 32,
    secrets: {},
    ...over,
  };
}
