/**
 * `envwatch seed`'s task step: config/tasks/*.yaml checked against the reference and target files, then
 * stored plan by plan in one transaction. Returns the line the command prints.
 */
import type pg from 'pg';
import { withTransaction } from '../db/queryable.js';
import type { ReferenceSet } from '../reference/reference-schema.js';
import type { PlanFile } from '../targets/target-definition.js';
import { loadTaskFiles } from './load-tasks.js';
import { seedTaskFile } from './task-queries.js';

export async function seedTasks(
  pool: pg.Pool,
  dir: string,
  reference: ReferenceSet,
  plans: readonly PlanFile[],
): Promise<string> {
  const targetIds = new Set(plans.flatMap((p) => p.targets.map((t) => t.id)));
  const { files, review } = await loadTaskFiles(dir, { reference, targetIds });
  const counts = await withTransaction(pool, async (tx) => {
    const all = [];
    for (const f of files) all.push(await seedTaskFile(tx, f));
    return all;
  });
  const sum = (k: 'tasks' | 'changed' | 'units' | 'disabled') => counts.reduce((n, c) => n + c[k], 0);
  return (
    `tasks: ${sum('tasks')} in ${files.length} plan(s) (~${sum('changed')} changed, -${sum('disabled')} disabled, ` +
    `${sum('units')} unit rows); ${review.length} row(s) to review: envwatch check-tasks`
  );
}
