/**
 * `envwatch extract-tasks [--seeds DIR]`: a development command that regenerates config/tasks/<plan>.yaml from
 * the plan documents (the seeds) and prints the row count per plan and section against the seed's own count.
 * Exit 1 when a count disagrees. The seeds are not part of the repository; DIR defaults to ../shared/seeds
 * beside the checkout (or two levels up, for a worktree).
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { ValidationError } from '../../errors.js';
import { extractTasks } from '../../tasks/extract/run-extract.js';
import type { CommandRun } from '../command.js';
import { PROJECT_ROOT } from '../../../config/paths.js';

async function seedsDir(args: string[]): Promise<string> {
  const i = args.indexOf('--seeds');
  if (i >= 0) {
    const dir = args[i + 1];
    if (dir === undefined)
      throw new ValidationError('--seeds needs a directory (the plan documents as text)');
    return path.resolve(dir);
  }
  for (const candidate of ['../shared/seeds', '../../shared/seeds']) {
    const dir = path.resolve(PROJECT_ROOT, candidate);
    if (
      await access(dir).then(
        () => true,
        () => false,
      )
    )
      return dir;
  }
  throw new ValidationError(
    'no seeds directory found: pass --seeds <dir> (the folder of 000_….txt … 004_….txt)',
  );
}

export const run: CommandRun = async ({ args, out }) => {
  const counts = await extractTasks({
    seedsDir: await seedsDir(args),
    configDir: path.join(PROJECT_ROOT, 'config'),
    out,
  });
  const off = counts.filter(
    (c) =>
      (c.extracted !== c.inSeed && !c.otherRendering) ||
      (c.documented !== undefined && c.documented !== c.extracted) ||
      c.seqGaps.length > 0,
  );
  for (const c of off) out(`check: ${c.plan} ${c.section} — counts disagree or 序号 skip`);
  return off.length === 0 ? 0 : 1;
};
