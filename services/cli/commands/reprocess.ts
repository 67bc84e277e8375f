/**
 * `envwatch reprocess`: refused rows — list them, re-process them after a fix, or discard them.
 *
 *   envwatch reprocess --list [--source S] [--batch N] [--reason CODE] [--status open|reprocessed|discarded] [--limit N]
 *   envwatch reprocess <id…> | --batch N | --source S | --reason CODE | --all   [--set field=value …]
 *   envwatch reprocess --discard <id…> [--why "…"]
 *
 * Re-processing runs the stored raw rows through validation again (with the --set corrections, e.g.
 * --set unit=µg/m³) as a new batch per source; rows refused again stay listed with their new reason.
 */
import { userInfo } from 'node:os';
import { createPool } from '../../db/pool.js';
import { ValidationError } from '../../errors.js';
import { discardRefusedRows, listRefusedRows, type RefusedRowFilter } from '../../ingest/refused-queries.js';
import { reprocessRefusedRows } from '../../ingest/reprocess.js';
import { processRollupQueue } from '../../store/rollups.js';
import { systemClock } from '../../time/shanghai.js';
import type { CommandRun } from '../command.js';
import { checkPostgres } from '../dependency-check.js';
import { describeBatch } from './ingest.js';

interface ReprocessArgs {
  mode: 'list' | 'reprocess' | 'discard';
  filter: RefusedRowFilter;
  all: boolean;
  patch: Record<string, string>;
  why: string | null;
}

const STATUSES = ['open', 'reprocessed', 'discarded'] as const;

function int(name: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new ValidationError(`${name}: a positive integer expected, got ${v ?? '(nothing)'}`);
  return n;
}

export function parseReprocessArgs(args: readonly string[]): ReprocessArgs {
  const r: ReprocessArgs = { mode: 'reprocess', filter: {}, all: false, patch: {}, why: null };
  const ids: number[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--list') r.mode = 'list';
    else if (a === '--discard') r.mode = 'discard';
    else if (a === '--all') r.all = true;
    else if (a === '--batch') r.filter.batchId = int('--batch', args[++i]);
    else if (a === '--limit') r.filter.limit = int('--limit', args[++i]);
    else if (a === '--source') r.filter.sourceId = args[++i];
    else if (a === '--reason') r.filter.reasonCode = args[++i];
    else if (a === '--why') r.why = args[++i] ?? null;
    else if (a === '--status') {
      const s = args[++i] as (typeof STATUSES)[number];
      if (!STATUSES.includes(s)) throw new ValidationError(`--status: one of ${STATUSES.join(', ')}`);
      r.filter.status = s;
    } else if (a === '--set') {
      const m = /^([a-z_]+)=(.*)$/.exec(args[++i] ?? '');
      if (!m) throw new ValidationError('--set: field=value expected (e.g. --set unit=µg/m³)');
      r.patch[m[1]!] = m[2]!;
    } else if (/^\d+$/.test(a)) ids.push(Number(a));
    else throw new ValidationError(`unknown argument ${a}`);
  }
  if (ids.length > 0) r.filter.ids = ids;
  const narrowed =
    ids.length > 0 || r.filter.batchId !== undefined || r.filter.sourceId || r.filter.reasonCode;
  if (r.mode === 'reprocess' && !narrowed && !r.all) {
    throw new ValidationError(
      'name the rows (ids, --batch, --source, --reason) or pass --all to re-process every open row',
    );
  }
  if (r.mode === 'discard' && ids.length === 0)
    throw new ValidationError('--discard needs the ids of the rows');
  return r;
}

export const run: CommandRun = async ({ config, args, out }) => {
  const a = parseReprocessArgs(args);
  await checkPostgres(config);
  const pool = createPool({ connectionString: config.DATABASE_URL, max: 3 });
  try {
    if (a.mode === 'list') {
      const rows = await listRefusedRows(pool, { status: 'open', limit: 200, ...a.filter });
      for (const r of rows) {
        out(
          `#${r.id} 批次 ${r.batch_id} ${r.source_id} 行 ${r.row_number ?? '-'} [${r.status}] ${r.reason_code}: ${r.reason_detail}`,
        );
        out(`    ${JSON.stringify(r.raw)}`);
      }
      out(`${rows.length} 行 (rows)`);
      return 0;
    }
    const by = `cli:${userInfo().username}`;
    if (a.mode === 'discard') {
      const n = await discardRefusedRows(pool, a.filter.ids ?? [], a.why ? `${by}: ${a.why}` : by);
      out(`已作废 ${n} 行 (discarded ${n} rows)`);
      return 0;
    }
    const results = await reprocessRefusedRows(pool, a.filter, { clock: systemClock, by, patch: a.patch });
    if (results.length === 0) out('没有符合条件的待处理拒收行 (no open refused rows match)');
    for (const r of results) out(describeBatch(r));
    if (results.some((r) => r.inserted + r.updated > 0)) {
      while ((await processRollupQueue(pool)).keys > 0);
      out('派生数据已更新 (derived series refreshed)');
    }
    return 0;
  } finally {
    await pool.end();
  }
};
