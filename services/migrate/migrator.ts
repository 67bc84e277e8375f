/**
 * Numbered SQL migrations: `migrations/NNNN_what_it_does.sql`, applied in order, one transaction per file,
 * recorded in a ledger with a checksum. A session-level advisory lock serialises concurrent migrators
 * (two replicas starting at once both succeed: the second finds nothing left to do). The service refuses
 * to start when the database has migrations this code does not know (it is newer than the code) or when
 * a released migration was edited.
 *
 * A file whose first line is `-- envwatch:no-transaction` runs outside a transaction, statement by
 * statement, split on lines reading `-- envwatch:split` (for CREATE INDEX CONCURRENTLY and the like).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { SchemaMismatchError, ValidationError } from '../errors.js';
import { withClient } from '../db/queryable.js';

// An arbitrary constant shared by every envwatch process: the key of the migration advisory lock.
const MIGRATION_LOCK_KEY = 727_465_001;
const FILE_RE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface MigrationFile {
  id: number;
  name: string;
  sql: string;
  checksum: string;
  noTransaction: boolean;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

export type StorageModeSetting = 'auto' | 'timescale' | 'plain';

export async function loadMigrations(dir: string): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    const m = FILE_RE.exec(name);
    if (!m) throw new ValidationError(`migration file name must look like 0001_what_it_does.sql: ${name}`);
    const sql = await readFile(path.join(dir, name), 'utf8');
    files.push({
      id: Number(m[1]),
      name,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
      noTransaction: sql.startsWith('-- envwatch:no-transaction'),
    });
  }
  const ids = new Set<number>();
  for (const f of files) {
    if (ids.has(f.id)) throw new ValidationError(`two migrations share the number ${f.id}`);
    ids.add(f.id);
  }
  return files;
}

interface LedgerRow {
  id: number;
  name: string;
  checksum: string;
}

async function ensureLedger(client: pg.PoolClient): Promise<void> {
  await client.query(`CREATE TABLE IF NOT EXISTS envwatch_migration (
    id         integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
}

async function readLedger(client: pg.PoolClient | pg.Pool): Promise<LedgerRow[] | null> {
  const exists = await client.query<{ t: string | null }>(
    `SELECT to_regclass('envwatch_migration')::text AS t`,
  );
  if (!exists.rows[0]?.t) return null;
  const { rows } = await client.query<LedgerRow>(
    'SELECT id, name, checksum FROM envwatch_migration ORDER BY id',
  );
  return rows;
}

/** Throws when the database is ahead of the code or a released migration changed. */
function checkLedger(ledger: LedgerRow[], files: MigrationFile[]): void {
  const byId = new Map(files.map((f) => [f.id, f]));
  for (const row of ledger) {
    const file = byId.get(row.id);
    if (!file) {
      throw new SchemaMismatchError(
        `the database has migration ${row.name}, which this code does not know: the database is newer than the code; deploy the newer envwatch`,
      );
    }
    if (file.checksum !== row.checksum) {
      throw new SchemaMismatchError(
        `migration ${row.name} was edited after it was applied; released migrations are append-only — add a new one`,
      );
    }
  }
}

export async function migrate(
  pool: pg.Pool,
  opts: { dir: string; storageMode: StorageModeSetting; onApply?: (name: string) => void },
): Promise<MigrateResult> {
  const files = await loadMigrations(opts.dir);
  return withClient(pool, async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await ensureLedger(client);
      const ledger = (await readLedger(client)) ?? [];
      checkLedger(ledger, files);
      const done = new Set(ledger.map((r) => r.id));
      const applied: string[] = [];
      for (const file of files) {
        if (done.has(file.id)) continue;
        opts.onApply?.(file.name);
        await applyOne(client, file, opts.storageMode);
        applied.push(file.name);
      }
      return { applied, alreadyApplied: done.size };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  });
}

async function applyOne(
  client: pg.PoolClient,
  file: MigrationFile,
  storageMode: StorageModeSetting,
): Promise<void> {
  const record = () =>
    client.query('INSERT INTO envwatch_migration (id, name, checksum) VALUES ($1, $2, $3)', [
      file.id,
      file.name,
      file.checksum,
    ]);
  try {
    if (file.noTransaction) {
      await client.query(`SELECT set_config('envwatch.storage_mode', $1, false)`, [storageMode]);
      for (const statement of file.sql.split(/^-- envwatch:split$/m)) {
        if (statement.trim()) await client.query(statement);
      }
      await record();
      return;
    }
    await client.query('BEGIN');
    await client.query(`SELECT set_config('envwatch.storage_mode', $1, true)`, [storageMode]);
    await client.query(file.sql);
    await record();
    await client.query('COMMIT');
  } catch (err) {
    if (!file.noTransaction) await client.query('ROLLBACK').catch(() => undefined);
    const message = err instanceof Error ? err.message : String(err);
    throw new SchemaMismatchError(`migration ${file.name} failed: ${message}`, { cause: err });
  }
}

export interface SchemaStatus {
  applied: number;
  pending: string[];
  latest: string | null;
}

/** For `start` and `doctor`: what is applied and pending; throws when the database is newer than the code. */
export async function readSchemaStatus(pool: pg.Pool, dir: string): Promise<SchemaStatus> {
  const files = await loadMigrations(dir);
  const ledger = (await readLedger(pool)) ?? [];
  checkLedger(ledger, files);
  const done = new Set(ledger.map((r) => r.id));
  return {
    applied: ledger.length,
    pending: files.filter((f) => !done.has(f.id)).map((f) => f.name),
    latest: ledger.at(-1)?.name ?? null,
  };
}
