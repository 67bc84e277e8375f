/**
 * File drop: CSV and XLSX files placed in a watched directory (DROP_DIR/<source dir>). Writers put a file as
 * `name.part` (or `.tmp`) and rename it when complete; envwatch never reads those. Each run claims every
 * complete file by renaming it into `.processing/` (atomic: two workers never take the same file), ingests it
 * as one batch, then moves it to `processed/<YYYY-MM>/<batch>-<name>` — or, when the file cannot be read at all,
 * to `failed/<batch>-<name>` with `<…>.error.txt` beside it. A file whose batch hit a temporary error (the
 * database unreachable) goes back to the directory for the next run. A claim not renewed for
 * FILE_CLAIM_STALE_SECONDS (a worker died mid-file) is returned to the directory and its batch failed
 * (file-claims.ts). Hidden and unreadable names are not taken but reported, once per run, in the log.
 */
import { mkdir, readdir, rename, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage, isPermanent } from '../../errors.js';
import { toShanghaiDay } from '../../time/shanghai.js';
import { failBatch, markSourceFailure, openBatch } from '../batch-queries.js';
import { bulkIngest } from '../bulk-load.js';
import { RECORD_KIND_OF, ingestFile, resolveFormat } from '../formats/deliveries.js';
import { readLongFileChunks } from '../formats/long-format.js';
import { ReadNotes } from '../formats/record-table.js';
import type { IngestResult } from '../ingest-records.js';
import type { FileDropSource, FormatId } from '../sources/source-schema.js';
import type { AdapterContext, SourceAdapter, SourceRunResult } from './adapter.js';
import { dropClaimNote, noteClaimBatch, releaseStaleClaims, renewClaimWhileReading } from './file-claims.js';

/** When the context does not say (FILE_CLAIM_STALE_SECONDS' default). */
const DEFAULT_CLAIM_STALE_MS = 5 * 60_000;
const READABLE = /\.(csv|txt|xlsx|xls)$/i;

export function dropDirOf(source: FileDropSource, dropDir: string): string {
  return path.resolve(dropDir, source.dir);
}

function isComplete(name: string): boolean {
  return READABLE.test(name) && !name.startsWith('.') && !name.startsWith('~$');
}

/** Files still being written (`name.part`, `name.tmp`): left alone and not reported. */
const IN_PROGRESS = /\.(part|tmp)$/i;

function ignoredReason(name: string): string {
  if (name.startsWith('.') || name.startsWith('~$'))
    return 'hidden or Office lock file (name starts with . or ~$)';
  return 'not .csv, .txt or .xlsx';
}

/**
 * Complete files no run has finished with: waiting in the directory, or claimed into `.processing/` by a run
 * still at work (or one that died). A directory not made yet holds none.
 */
export async function unfinishedFiles(dir: string): Promise<number> {
  let n = 0;
  for (const d of [dir, path.join(dir, '.processing')]) {
    const entries = await readdir(d, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    n += entries.filter((e) => e.isFile() && isComplete(e.name)).length;
  }
  return n;
}

async function moveInto(from: string, dir: string, name: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const to = path.join(dir, name);
  await rename(from, to);
  return to;
}

async function claim(dir: string, processing: string, name: string): Promise<string | null> {
  const claimed = path.join(processing, name);
  try {
    await rename(path.join(dir, name), claimed);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null; // another worker took it
    throw err;
  }
  const now = new Date();
  await utimes(claimed, now, now);
  return claimed;
}

type Outcome = { batchId: number; result: IngestResult } | { batchId: number; error: unknown };

/**
 * Ingests a claimed file as one batch. Bad content (no header, unknown format) is a permanent outcome with its
 * failed batch; anything else (database, disk) is thrown, so the file is returned and the job retried.
 */
async function ingestClaimed(
  source: FileDropSource,
  file: string,
  name: string,
  ctx: AdapterContext,
): Promise<Outcome> {
  const base = { sourceId: source.id, origin: name, tick: ctx.tick };
  let format: FormatId;
  try {
    format = await resolveFormat(file, source.format);
  } catch (err) {
    if (!isPermanent(err)) throw err;
    const batchId = await openBatch(ctx.db, { ...base, adapter: 'file_drop' });
    await failBatch(ctx.db, batchId, errorMessage(err));
    await markSourceFailure(ctx.db, source.id, errorMessage(err), ctx.clock.now());
    return { batchId, error: err };
  }
  const { size } = await stat(file);
  const bulk = format === 'long' && size > (source.bulk_threshold_mb ?? ctx.bulkThresholdMb) * 1024 * 1024;
  const input = { ...base, adapter: bulk ? 'bulk' : 'file_drop' };
  const batchId = await openBatch(ctx.db, { ...input, recordKind: RECORD_KIND_OF[format] });
  await noteClaimBatch(path.dirname(file), name, batchId);
  try {
    const notes = new ReadNotes();
    const result = bulk
      ? await bulkIngest(ctx.db, input, () => readLongFileChunks(file, notes), ctx.clock, { batchId })
      : await ingestFile(ctx.db, input, file, format, ctx.clock, { batchId });
    const unusedColumns = 'unusedColumns' in result ? result.unusedColumns : notes.unusedColumns();
    if (unusedColumns.length > 0)
      ctx.logger.info(
        { source: source.id, file: name, batchId, unusedColumns },
        '文件中有未读取的列 (columns not read)',
      );
    return { batchId, result };
  } catch (err) {
    if (!isPermanent(err)) throw err;
    return { batchId, error: err }; // the batch was failed, with the reason, by the ingest path
  }
}

export const fileDropAdapter: SourceAdapter<FileDropSource> = {
  adapter: 'file_drop',
  async run(source, ctx) {
    const dir = dropDirOf(source, ctx.dropDir);
    const processing = path.join(dir, '.processing');
    await mkdir(processing, { recursive: true });
    const staleMs = ctx.claimStaleMs ?? DEFAULT_CLAIM_STALE_MS;
    await releaseStaleClaims(ctx.db, source.id, dir, processing, staleMs);
    const files = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
    const names = files.filter(isComplete).sort();
    const result: SourceRunResult = { sourceId: source.id, batches: [], rejected: [] };
    // Not read, but not silently: a hidden name or an unknown extension is most often a file saved wrong.
    const ignored = files.filter((n) => !isComplete(n) && !IN_PROGRESS.test(n)).sort();
    if (ignored.length > 0) {
      result.ignored = ignored.map((name) => ({ name, reason: ignoredReason(name) }));
      ctx.logger.warn(
        { source: source.id, ignored: result.ignored },
        '投放目录中有未读取的文件 (files not read)',
      );
    }
    for (const name of names) {
      if (ctx.signal.aborted) break;
      const file = await claim(dir, processing, name);
      if (!file) continue;
      let outcome: Outcome;
      const stopRenewing = renewClaimWhileReading(file, staleMs);
      try {
        outcome = await ingestClaimed(source, file, name, ctx);
      } catch (err) {
        // Temporary (database, disk): the file goes back for the next run; the job is retried.
        await rename(file, path.join(dir, name));
        throw err;
      } finally {
        stopRenewing();
        await dropClaimNote(processing, name);
      }
      if ('result' in outcome) {
        result.batches.push(outcome.result);
        const month = toShanghaiDay(ctx.clock.now()).slice(0, 7);
        await moveInto(file, path.join(dir, 'processed', month), `${outcome.batchId}-${name}`);
      } else {
        const message = errorMessage(outcome.error);
        const failed = await moveInto(file, path.join(dir, 'failed'), `${outcome.batchId}-${name}`);
        await writeFile(`${failed}.error.txt`, `${message}\n`, 'utf8');
        result.rejected.push({ origin: name, batchId: outcome.batchId, error: message });
        ctx.logger.warn(
          { source: source.id, file: name, batchId: outcome.batchId, err: message },
          '文件无法读取 (file rejected)',
        );
      }
    }
    return result;
  },
};
