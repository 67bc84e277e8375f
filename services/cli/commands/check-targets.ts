/**
 * `envwatch check-targets`: validates config/targets/*.yaml against config/reference/*.yaml without a
 * database — schema, rule parameters, strictness wording and every id a target names — and lists every
 * problem at once. For reviewers of a target edit and for CI; `envwatch seed` runs the same checks.
 */
import path from 'node:path';
import { loadReferenceSet } from '../../reference/load-reference.js';
import { loadPlanFiles } from '../../targets/load-targets.js';
import type { CommandRun } from '../command.js';
import { PROJECT_ROOT } from '../../../config/paths.js';

export const run: CommandRun = async ({ out }) => {
  const reference = await loadReferenceSet(path.join(PROJECT_ROOT, 'config/reference'));
  const plans = await loadPlanFiles(path.join(PROJECT_ROOT, 'config/targets'), { reference });
  for (const p of plans) out(`${p.plan.id}: ${p.targets.length} target(s) valid`);
  return 0;
};
