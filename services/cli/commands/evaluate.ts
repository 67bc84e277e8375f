/**
 * `envwatch evaluate [--year YYYY] [--target ID]… [--as-of YYYY-MM-DD]`: evaluates targets now, in this process —
 * first whatever the evaluation queue holds, then every current period of every enabled target (or, with
 * --year, every period of that year: history after a bulk import or a rule change). --as-of replays a past
 * day: data after it is not looked at. Prints the counts and the statuses by target.
 */
import type { Config } from '../../../config/env.js';
import { ValidationError } from '../../errors.js';
import { createPool } from '../../db/pool.js';
import { evaluatePending, sweepTargets } from '../../targets/evaluate-pending.js';
import { listCurrentStatus } from '../../targets/targets-status-queries.js';
import { ManualClock, shanghaiInstant, systemClock, type Clock } from '../../time/shanghai.js';
import type { CommandRun } from '../command.js';
import { checkPostgres } from '../dependency-check.js';

interface Options {
  year?: number;
  targetIds?: string[];
  asOf?: string;
}

export function parseEvaluateArgs(args: readonly string[]): Options {
  const opts: Options = {};
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = args[i + 1];
    if (flag === '--year' && value && /^\d{4}$/.test(value)) opts.year = Number(value);
    else if (flag === '--target' && value) opts.targetIds = [...(opts.targetIds ?? []), value];
    else if (flag === '--as-of' && value && /^\d{4}-\d{2}-\d{2}$/.test(value)) opts.asOf = value;
    else
      throw new ValidationError(
        `evaluate: unexpected argument "${flag ?? ''}" (--year YYYY, --target ID, --as-of YYYY-MM-DD)`,
      );
    i += 1;
  }
  return opts;
}

export async function runEvaluate(
  config: Config,
  args: readonly string[],
  out: (line: string) => void,
): Promise<void> {
  const opts = parseEvaluateArgs(args);
  await checkPostgres(config);
  // End of the --as-of day in Shanghai: the whole day counts.
  const clock: Clock = opts.asOf ? new ManualClock(shanghaiInstant(opts.asOf, 23, 59)) : systemClock;
  const pool = createPool({ connectionString: config.DATABASE_URL, max: 2 });
  try {
    let keys = 0;
    for (;;) {
      const r = await evaluatePending(pool, { clock });
      keys += r.keys;
      if (r.keys === 0) break;
    }
    const r = await sweepTargets(pool, { clock, year: opts.year, targetIds: opts.targetIds });
    out(
      `queue: ${keys} key(s); sweep: ${r.evaluations} evaluation(s), ${r.stored} stored, ${r.transitions} status change(s)`,
    );
    if (r.failedTargets.length > 0) out(`failed: ${r.failedTargets.join(', ')}`);
    const rows = await listCurrentStatus(pool, { targetIds: opts.targetIds });
    const byTarget = new Map<string, Map<string, number>>();
    for (const row of rows) {
      if (opts.year !== undefined && !row.periodKey.startsWith(String(opts.year))) continue;
      const counts = byTarget.get(row.targetId) ?? new Map<string, number>();
      counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
      byTarget.set(row.targetId, counts);
    }
    for (const [target, counts] of byTarget) {
      out(`  ${target.padEnd(14)} ${[...counts].map(([s, n]) => `${s} ${n}`).join(', ')}`);
    }
  } finally {
    await pool.end();
  }
}

export const run: CommandRun = async ({ config, args, out }) => {
  await runEvaluate(config, args, out);
  return 0;
};
