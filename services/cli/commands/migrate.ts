import path from 'node:path';
import type { Config } from '../../../config/env.js';
import { createPool } from '../../db/pool.js';
import { migrate } from '../../migrate/migrator.js';
import { readStorageMode } from '../../store/storage-mode.js';
import { applyStoragePolicies } from '../../store/storage-policies.js';
import { checkPostgres, ensureDatabaseExists } from '../dependency-check.js';
import { PROJECT_ROOT } from '../../../config/paths.js';
import type { CommandRun } from '../command.js';

export async function runMigrate(config: Config, out: (line: string) => void): Promise<void> {
  await ensureDatabaseExists(config);
  await checkPostgres(config);
  const pool = createPool({ connectionString: config.DATABASE_URL, max: 2 });
  try {
    const result = await migrate(pool, {
      dir: path.join(PROJECT_ROOT, 'migrations'),
      storageMode: config.STORAGE_MODE,
      onApply: (name) => out(`applying ${name}`),
    });
    const mode = await readStorageMode(pool);
    const policies = await applyStoragePolicies(pool, config);
    out(
      result.applied.length === 0
        ? `database is up to date (${result.alreadyApplied} migrations applied earlier; storage mode: ${mode})`
        : `applied ${result.applied.length} migration(s); storage mode: ${mode}`,
    );
    out(`storage policies: compression ${policies.compression}; retention ${policies.retention}`);
  } finally {
    await pool.end();
  }
}

export const run: CommandRun = async ({ config, out }) => {
  await runMigrate(config, out);
  return 0;
};
