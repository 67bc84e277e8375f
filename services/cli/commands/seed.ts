/**
 * `envwatch seed`: loads config/reference/*.yaml, config/targets/*.yaml, config/tasks/*.yaml and the contact directory
 * (CONTACTS_FILE, kept out of git) into the database. Idempotent: running it twice leaves the same rows.
 */
import path from 'node:path';
import type { Config } from '../../../config/env.js';
import { createPool } from '../../db/pool.js';
import { withTransaction } from '../../db/queryable.js';
import { loadContacts } from '../../reference/load-contacts.js';
import { loadReferenceSet } from '../../reference/load-reference.js';
import {
  analyzeSeeded,
  seedContacts,
  seedReference,
  type TableCounts,
} from '../../reference/seed-reference.js';
import { loadPlanFiles } from '../../targets/load-targets.js';
import { seedTasks } from '../../tasks/seed-tasks.js';
import { upsertPlanFile } from '../../targets/target-queries.js';
import { coverageGaps, describeGap } from '../../alerts/contact-coverage.js';
import { toShanghaiDay } from '../../time/shanghai.js';
import type { CommandRun } from '../command.js';
import { checkPostgres } from '../dependency-check.js';
import { PROJECT_ROOT, resolveFromRoot } from '../../../config/paths.js';

export async function runSeed(config: Config, out: (line: string) => void): Promise<void> {
  await checkPostgres(config);
  const reference = await loadReferenceSet(path.join(PROJECT_ROOT, 'config/reference'));
  const plans = await loadPlanFiles(path.join(PROJECT_ROOT, 'config/targets'));
  const contactsFile = resolveFromRoot(config.CONTACTS_FILE);
  const contacts = await loadContacts(contactsFile, reference);
  const pool = createPool({ connectionString: config.DATABASE_URL, max: 2 });
  try {
    const counts = await seedReference(pool, reference);
    const tally = (c: TableCounts) => `+${c.inserted} ~${c.updated} -${c.deleted}`;
    out(
      `reference data (inserted ~updated -deleted): ${Object.entries(counts)
        .map(([k, c]) => `${k} ${tally(c)}`)
        .join(', ')}`,
    );
    const targets = await withTransaction(pool, async (tx) => {
      let n = 0;
      for (const plan of plans) n += await upsertPlanFile(tx, plan);
      return n;
    });
    out(`targets: ${targets} in ${plans.length} plan(s)`);
    out(await seedTasks(pool, path.join(PROJECT_ROOT, 'config/tasks'), reference, plans));
    if (contacts.length === 0) {
      out(`contacts: none loaded — ${contactsFile} is missing or empty (see config/contacts.example.yaml)`);
    } else {
      const c = await seedContacts(pool, contacts);
      out(`contacts: ${contacts.length} in ${contactsFile} (${tally(c)})`);
    }
    await analyzeSeeded(pool);
    // No silent drops: whoever the plans make responsible but nobody in the directory can reach this year.
    const year = Number(toShanghaiDay(new Date()).slice(0, 4));
    const gaps = await coverageGaps(pool, year);
    out(
      gaps.length === 0
        ? `contacts: everyone responsible is reachable in ${year}`
        : `contacts: ${gaps.length} without a reachable contact for ${year}:`,
    );
    for (const g of gaps) out(`  ${describeGap(g, year)}`);
  } finally {
    await pool.end();
  }
}

export const run: CommandRun = async ({ config, out }) => {
  await runSeed(config, out);
  return 0;
};
