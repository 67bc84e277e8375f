/**
 * Backup and restore with PostgreSQL's own tools (docs/operations.md): `pg_dump -Fc` of the whole database,
 * `pg_restore` into a new one, and a comparison that proves the copy — the row count of every table and a
 * checksum of the tables whose rows people act on (evaluations, alerts, deliveries, batches). `npm run
 * ops:backup-check` runs it against DATABASE_URL; tests/db/backup-restore.test.ts against a test database.
 *
 * TimescaleDB needs `timescaledb_pre_restore()` before and `timescaledb_post_restore()` after a restore (its
 * catalog must not fire triggers while rows arrive); both are called when the source has the extension.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Tables whose every row is compared by checksum, not only counted: what people see and act on. */
export const CHECKSUM_TABLES = [
  'evaluation_current',
  'evaluation',
  'alert',
  'delivery',
  'ingest_batch',
  'refused_row',
  'audit_log',
] as const;

export interface TableFingerprint {
  table: string;
  rows: number;
  checksum: string | null;
}

function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

function adminUrlOf(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function hasTimescale(url: string): Promise<boolean> {
  return withClient(url, async (c) => {
    const { rowCount } = await c.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`);
    return (rowCount ?? 0) > 0;
  });
}

/** `pg_dump -Fc` (compressed, restorable table by table) of the database at `url` into `file`. */
export async function dumpDatabase(url: string, file: string): Promise<void> {
  await run('pg_dump', ['--format=custom', '--no-owner', '--file', file, '--dbname', url], {
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Creates the database `target` names (it must not exist) and restores `file` into it. */
export async function restoreDatabase(
  file: string,
  target: string,
  opts: { timescale: boolean },
): Promise<void> {
  const name = databaseOf(target);
  await withClient(adminUrlOf(target), (c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  if (opts.timescale)
    await withClient(target, async (c) => {
      await c.query(`CREATE EXTENSION IF NOT EXISTS timescaledb`);
      await c.query(`SELECT timescaledb_pre_restore()`);
    });
  await run('pg_restore', ['--no-owner', '--exit-on-error', '--dbname', target, file], {
    maxBuffer: 64 * 1024 * 1024,
  });
  if (opts.timescale) await withClient(target, (c) => c.query(`SELECT timescaledb_post_restore()`));
}

/** Row counts of every table of the public schema, and checksums of CHECKSUM_TABLES. */
export async function fingerprint(url: string): Promise<TableFingerprint[]> {
  return withClient(url, async (c) => {
    const { rows: tables } = await c.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
    );
    const out: TableFingerprint[] = [];
    for (const { name } of tables) {
      const id = pg.escapeIdentifier(name);
      const checksum = (CHECKSUM_TABLES as readonly string[]).includes(name)
        ? `md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))`
        : 'NULL';
      const { rows } = await c.query<{ n: number; sum: string | null }>(
        `SELECT count(*)::int AS n, ${checksum} AS sum FROM ${id} t`,
      );
      out.push({ table: name, rows: rows[0]!.n, checksum: rows[0]!.sum });
    }
    return out;
  });
}

export interface BackupCheck {
  dumpBytes: number;
  tables: number;
  rows: number;
  differences: { table: string; source: TableFingerprint | null; restored: TableFingerprint | null }[];
}

/** Dumps `source`, restores into `target` (a new database) and compares them table by table. */
export async function checkBackupRestore(source: string, target: string, file: string): Promise<BackupCheck> {
  const { stat } = await import('node:fs/promises');
  await dumpDatabase(source, file);
  await restoreDatabase(file, target, { timescale: await hasTimescale(source) });
  const [a, b] = [await fingerprint(source), await fingerprint(target)];
  const byName = new Map(b.map((t) => [t.table, t]));
  const differences: BackupCheck['differences'] = [];
  for (const t of a) {
    const r = byName.get(t.table) ?? null;
    if (!r || r.rows !== t.rows || r.checksum !== t.checksum)
      differences.push({ table: t.table, source: t, restored: r });
    byName.delete(t.table);
  }
  for (const r of byName.values()) differences.push({ table: r.table, source: null, restored: r });
  return {
    dumpBytes: (await stat(file)).size,
    tables: a.length,
    rows: a.reduce((n, t) => n + t.rows, 0),
    differences,
  };
}

export async function dropDatabase(url: string): Promise<void> {
  await withClient(adminUrlOf(url), (c) =>
    c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseOf(url))} WITH (FORCE)`),
  );
}
