/** The real reference data, plans and task rows of config/, seeded into a test database. */
import path from 'node:path';
import type pg from 'pg';
import { loadReferenceSet } from '../../services/reference/load-reference.js';
import { loadPlanFiles } from '../../services/targets/load-targets.js';
import { upsertPlanFile } from '../../services/targets/target-queries.js';
import { seedTasks } from '../../services/tasks/seed-tasks.js';
import { seedRealReference } from '../targets/fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export async function seedPlansAndTasks(pool: pg.Pool): Promise<void> {
  await seedRealReference(pool);
  const plans = await loadPlanFiles(path.join(ROOT, 'config/targets'));
  for (const p of plans) await upsertPlanFile(pool, p);
  const reference = await loadReferenceSet(path.join(ROOT, 'config/reference'));
  await seedTasks(pool, path.join(ROOT, 'config/tasks'), reference, plans);
}
