/**
 * `npm run ops:backup-check`: the restore drill of docs/operations.md, against DATABASE_URL. Dumps the database
 * with `pg_dump -Fc`, restores the dump into a new database `<name>_restore_check` with `pg_restore`, compares
 * every table's row count and the checksums of evaluations, alerts, deliveries, batches and the audit log, prints
 * the figures and drops the copy (BACKUP_KEEP=1 keeps it, and the dump, for a look). Exit 1 on any difference.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/env.js';
import { checkBackupRestore, dropDatabase } from '../services/db/backup.js';

const config = loadConfig();
const keep = process.env['BACKUP_KEEP'] === '1';
const target = new URL(config.DATABASE_URL);
target.pathname = `${target.pathname}_restore_check`;
const dir = await mkdtemp(path.join(os.tmpdir(), 'envwatch-backup-'));
const file = path.join(dir, 'envwatch.dump');

await dropDatabase(target.toString());
const started = Date.now();
const check = await checkBackupRestore(config.DATABASE_URL, target.toString(), file);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `backup → restore → compare: ${check.tables} tables, ${check.rows} rows, dump ${(check.dumpBytes / 1024 / 1024).toFixed(1)} MB, ` +
    `${seconds} s (load ${os.loadavg()[0]!.toFixed(1)})`,
);
for (const d of check.differences)
  console.log(
    `  DIFFERENT ${d.table}: source ${JSON.stringify(d.source)} restored ${JSON.stringify(d.restored)}`,
  );
console.log(
  check.differences.length === 0 ? 'restore identical' : `${check.differences.length} tables differ`,
);
if (keep) console.log(`kept: ${file} and ${target.toString()}`);
else {
  await dropDatabase(target.toString());
  await rm(dir, { recursive: true, force: true });
}
process.exit(check.differences.length === 0 ? 0 : 1);
