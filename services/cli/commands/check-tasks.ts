/**
 * `envwatch check-tasks [--strict]`: validates config/tasks/*.yaml against config/reference and config/targets
 * without a database (like check-targets), prints the rows per plan and section, and lists every row a person
 * should look at: names that resolve to no unit or official, 完成时限 wordings not understood, guessed
 * main/assist splits. Exit 1 when a file is invalid; with --strict also when anything is left to review.
 */
import path from 'node:path';
import { loadReferenceSet } from '../../reference/load-reference.js';
import { loadTaskFiles } from '../../tasks/load-tasks.js';
import { loadPlanFiles } from '../../targets/load-targets.js';
import type { CommandRun } from '../command.js';
import { PROJECT_ROOT } from '../../../config/paths.js';

export const run: CommandRun = async ({ args, out }) => {
  const reference = await loadReferenceSet(path.join(PROJECT_ROOT, 'config/reference'));
  const plans = await loadPlanFiles(path.join(PROJECT_ROOT, 'config/targets'), { reference });
  const targetIds = new Set(plans.flatMap((p) => p.targets.map((t) => t.id)));
  const { files, review } = await loadTaskFiles(path.join(PROJECT_ROOT, 'config/tasks'), {
    reference,
    targetIds,
  });
  for (const f of files) {
    const bySection = f.sections.map(
      (s) => `${s.name} ${f.tasks.filter((t) => t.section === s.name).length}`,
    );
    out(`${f.plan.id}: ${f.tasks.length} task row(s) valid (${bySection.join(', ')})`);
  }
  if (review.length > 0) out(`\nto review (${review.length}):`);
  for (const r of review) out(`  ${r.path}: ${r.reason}`);
  return args.includes('--strict') && review.length > 0 ? 1 : 0;
};
