/**
 * `envwatch ingest <file> [--format F] [--source ID] [--bulk] [--no-rollups] [--progress]`: ingests one file by
 * hand as a batch — format detected from its header unless given (long, wide, city_ranking, sand_dust,
 * warning), the bulk path for large long-format files (or with --bulk) — prints the batch's counts, first
 * refusals and the columns it did not read, then brings the derived series up to date (unless --no-rollups),
 * as the workers would after a scheduled batch. The bulk path shows its progress on stderr when that is a
 * terminal, or with --progress.
 *
 * Modules are loaded for the path taken only: the bulk path's process holds one of them, not the steady path,
 * every record kind and exceljs besides (~40 MB of RSS on a load that must stay under 200 MB).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { createPool } from '../../db/pool.js';
import { ValidationError } from '../../errors.js';
import { resolveFormat } from '../../ingest/formats/detect-format.js';
import { readLongFileChunks } from '../../ingest/formats/long-format.js';
import { ReadNotes } from '../../ingest/formats/record-table.js';
import type { IngestInput, IngestResult } from '../../ingest/ingest-records.js';
import { FORMATS, type FormatId } from '../../ingest/sources/source-schema.js';
import { systemClock } from '../../time/shanghai.js';
import type { CommandRun } from '../command.js';
import { checkPostgres } from '../dependency-check.js';
import { holdHeapNearLiveSet } from '../heap.js';
import { Progress } from '../progress.js';

interface IngestArgs {
  file: string;
  format: FormatId | 'auto';
  source: string;
  bulk: boolean;
  rollups: boolean;
  progress: boolean;
}

const USAGE =
  'usage: envwatch ingest <file> [--format auto|long|wide|city_ranking|sand_dust|warning] [--source <id>] [--bulk] [--no-rollups] [--progress]';

export function parseIngestArgs(args: readonly string[]): IngestArgs {
  const out: IngestArgs = {
    file: '',
    format: 'auto',
    source: 'manual',
    bulk: false,
    rollups: true,
    progress: false,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--format') {
      const f = args[++i] ?? '';
      if (f !== 'auto' && !(FORMATS as readonly string[]).includes(f))
        throw new ValidationError(`--format: not a format: ${f}\n${USAGE}`);
      out.format = f as FormatId | 'auto';
    } else if (a === '--source') {
      out.source = args[++i] ?? '';
      if (!/^[a-z][a-z0-9_]*$/.test(out.source))
        throw new ValidationError(`--source: lower-case id expected\n${USAGE}`);
    } else if (a === '--bulk') out.bulk = true;
    else if (a === '--no-rollups') out.rollups = false;
    else if (a === '--progress') out.progress = true;
    else if (a.startsWith('--')) throw new ValidationError(`unknown option ${a}\n${USAGE}`);
    else if (out.file) throw new ValidationError(`one file at a time\n${USAGE}`);
    else out.file = a;
  }
  if (!out.file) throw new ValidationError(USAGE);
  return out;
}

/** "收到 100，新增 90，更新 0，未变 5，拒收 5 (received …)": the counts that add up, Chinese first. */
export function describeBatch(r: IngestResult): string {
  return (
    `批次 ${r.batchId}：收到 ${r.received}，新增 ${r.inserted}，更新 ${r.updated}，未变 ${r.unchanged}，拒收 ${r.refused}` +
    ` (batch ${r.batchId}: received ${r.received}, inserted ${r.inserted}, updated ${r.updated}, unchanged ${r.unchanged}, refused ${r.refused})`
  );
}

export const run: CommandRun = async ({ config, args, out }) => {
  const a = parseIngestArgs(args);
  const file = path.resolve(a.file);
  const { size } = await stat(file).catch((err: unknown) => {
    throw new ValidationError(`cannot read ${a.file}`, [], { cause: err });
  });
  await checkPostgres(config);
  const pool = createPool({ connectionString: config.DATABASE_URL, max: 3 });
  try {
    const format = await resolveFormat(file, a.format);
    const input = { sourceId: a.source, adapter: 'manual', origin: file };
    const bulk = format === 'long' && (a.bulk || size > config.INGEST_BULK_THRESHOLD_MB * 1024 * 1024);
    if (a.bulk && format !== 'long')
      throw new ValidationError(`--bulk loads the long format only; ${path.basename(file)} is ${format}`);
    out(`格式 ${format}${bulk ? '，批量路径 (bulk path)' : ''} — ${path.basename(file)}`);
    const { result: r, unusedColumns } = bulk
      ? await loadBulk(pool, { ...input, adapter: 'bulk' }, file, size, a.progress)
      : await loadSteady(pool, input, file, format);
    out(describeBatch(r));
    for (const x of r.refusals.slice(0, 20)) out(`  行 ${x.row ?? '-'} ${x.code}: ${x.detail}`);
    if (r.refused > 0)
      out(
        `拒收行可用 envwatch reprocess --list --batch ${r.batchId} 查看 (list them with envwatch reprocess --list --batch ${r.batchId})`,
      );
    for (const cols of unusedColumns) out(`未读取的列 (columns not read): ${cols}`);
    if (a.rollups && r.inserted + r.updated > 0) {
      const { processRollupQueue } = await import('../../store/rollups.js');
      let keys = 0;
      for (let step = await processRollupQueue(pool); step.keys > 0; step = await processRollupQueue(pool))
        keys += step.keys;
      out(`派生数据已更新 (derived series refreshed): ${keys} key(s)`);
    }
    return 0;
  } finally {
    await pool.end();
  }
};

interface Loaded {
  result: IngestResult;
  unusedColumns: string[];
}

async function loadSteady(
  pool: pg.Pool,
  input: IngestInput,
  file: string,
  format: FormatId,
): Promise<Loaded> {
  const { ingestFile } = await import('../../ingest/formats/deliveries.js');
  const result = await ingestFile(pool, input, file, format, systemClock);
  return { result, unusedColumns: result.unusedColumns };
}

async function loadBulk(
  pool: pg.Pool,
  input: IngestInput,
  file: string,
  size: number,
  progressWanted: boolean,
): Promise<Loaded> {
  const { bulkIngest } = await import('../../ingest/bulk-load.js');
  holdHeapNearLiveSet();
  // The bulk path reads the file again when the direct COPY gives way to the staged route, or to recover the raw
  // content of refused rows: each read starts its own count, and the columns are those of the last read.
  let notes = new ReadNotes();
  const show = progressWanted || process.stderr.isTTY === true;
  const progress = show ? new Progress(process.stderr, () => notes.bytesRead, size) : null;
  const open = () => {
    notes = new ReadNotes();
    const chunks = readLongFileChunks(file, notes);
    return progress ? progress.count(chunks) : chunks;
  };
  try {
    const result = await bulkIngest(pool, input, open, systemClock);
    return { result, unusedColumns: notes.unusedColumns() };
  } finally {
    progress?.stop();
  }
}
