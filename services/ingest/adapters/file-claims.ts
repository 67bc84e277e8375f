/**
 * Claims of the file drop that outlive their worker (issue #20: a crashed file drop waited an hour to be retried
 * and its batch stayed "running" for ever). A worker holding a file renews the claim — the claimed file's mtime —
 * every quarter of FILE_CLAIM_STALE_SECONDS while it reads, and notes the batch it opened beside the claim
 * (`.processing/.claims/<name>.json`). A claim not renewed within FILE_CLAIM_STALE_SECONDS belongs to a worker
 * that died: the file goes back to the directory (read again as a new batch; the upsert makes rows already
 * stored "unchanged") and the dead worker's batch is marked failed with what happened.
 */
import { mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { failRunningBatch, failRunningBatchesOfFile } from '../batch-queries.js';

const NOTES = '.claims';
/** The heartbeat never waits longer than this, whatever the stale timeout. */
const MAX_RENEW_MS = 30_000;

function noteOf(processing: string, name: string): string {
  return path.join(processing, NOTES, `${name}.json`);
}

/** Records which batch reads the claimed file, so whoever finds the claim abandoned can close that batch. */
export async function noteClaimBatch(processing: string, name: string, batchId: number): Promise<void> {
  await mkdir(path.join(processing, NOTES), { recursive: true });
  await writeFile(noteOf(processing, name), JSON.stringify({ batchId, pid: process.pid }), 'utf8');
}

export async function dropClaimNote(processing: string, name: string): Promise<void> {
  await rm(noteOf(processing, name), { force: true });
}

function renewEveryMs(staleMs: number): number {
  return Math.min(MAX_RENEW_MS, Math.max(1000, Math.floor(staleMs / 4)));
}

/** Renews the claim while the file is read; the returned function stops it. */
export function renewClaimWhileReading(claimed: string, staleMs: number): () => void {
  const timer = setInterval(() => {
    const now = new Date();
    utimes(claimed, now, now).catch(() => undefined); // moved meanwhile: the run is ending anyway
  }, renewEveryMs(staleMs));
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Gives back every claim not renewed within `staleMs` (wall-clock time: these are files) and fails its batch.
 * Returns the names given back.
 */
export async function releaseStaleClaims(
  db: pg.Pool,
  sourceId: string,
  dir: string,
  processing: string,
  staleMs: number,
): Promise<string[]> {
  const released: string[] = [];
  for (const name of await readdir(processing)) {
    const file = path.join(processing, name);
    // Gone meanwhile (another worker released or finished it): nothing to give back.
    const s = await stat(file).catch(() => null);
    if (!s?.isFile() || Date.now() - s.mtimeMs <= staleMs) continue;
    const moved = await rename(file, path.join(dir, name)).then(
      () => true,
      () => false, // another worker gave it back first
    );
    if (!moved) continue;
    released.push(name);
    const note = await readFile(noteOf(processing, name), 'utf8').catch(() => null);
    const batchId = note ? (JSON.parse(note) as { batchId?: unknown }).batchId : undefined;
    const secs = Math.round(staleMs / 1000);
    const reason =
      `文件处理中断：处理它的进程已停止（${secs} 秒未续期），文件已放回目录，作为新批次重新读取 ` +
      `(the worker stopped mid-file; its claim was not renewed for ${secs} s, ` +
      `so the file was returned and is read again as a new batch)`;
    if (typeof batchId === 'number') await failRunningBatch(db, batchId, reason);
    else {
      // Killed between opening its batch and writing the note: the batch is the one still running for this
      // file, opened before the worker's last renewal could have fallen due (it would have renewed otherwise).
      // A worker claiming a file of the same name later opens its batch after now, past this bound.
      const openedBy = new Date(Math.min(Date.now(), s.mtimeMs + renewEveryMs(staleMs)));
      await failRunningBatchesOfFile(db, sourceId, name, openedBy, reason);
    }
    await dropClaimNote(processing, name);
  }
  return released;
}
