/**
 * Real PostgreSQL for tests, isolated per test file: a database cloned from a migrated template
 * (`CREATE DATABASE … TEMPLATE`, ~100 ms) instead of a schema, because the migrations create functions,
 * views and (under TimescaleDB) continuous aggregates that live per database.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { createPool } from '../../services/db/pool.js';
import { migrate } from '../../services/migrate/migrator.js';
import { readStorageMode } from '../../services/store/storage-mode.js';

const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../migrations');

/**
 * Test databases are named after DATABASE_URL's database (`envwatch` → `envwatch_t_…`, `envwatch_tpl_…`):
 * engineers sharing one server each set their own DATABASE_URL and then create, and drop as stale, only
 * databases under their own name — the stale sweep below never reaches another worktree's kept database.
 */
const BASE_NAME = new URL(loadConfig().DATABASE_URL).pathname.slice(1) || 'envwatch';
const TEST_DB_PREFIX = `${BASE_NAME}_t_`;
const TEMPLATE_PREFIX = `${BASE_NAME}_tpl_`;
/** LIKE pattern for names starting with `prefix` (`_` is a wildcard in LIKE). */
const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function adminUrl(database = 'postgres'): string {
  const url = new URL(loadConfig().DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The template is named after a hash of the migrations, so editing one rebuilds it. */
async function templateName(): Promise<string> {
  const hash = createHash('sha256');
  for (const name of (await readdir(MIGRATIONS_DIR)).sort()) {
    hash.update(name).update(await readFile(path.join(MIGRATIONS_DIR, name)));
  }
  hash.update(loadConfig().STORAGE_MODE);
  return `${TEMPLATE_PREFIX}${hash.digest('hex').slice(0, 12)}`;
}

export async function ensureTemplateDatabase(): Promise<string> {
  const name = await templateName();
  const exists = await withAdmin((c) => databaseExists(c, name));
  if (exists) return name;
  const building = `${name}_build_${randomBytes(3).toString('hex')}`;
  await withAdmin(async (c) => {
    await c.query(`CREATE DATABASE ${building}`);
    await stampCreated(c, building);
  });
  const url = new URL(adminUrl(building)).toString();
  const pool = createPool({ connectionString: url, max: 2 });
  let timescale = false;
  try {
    await migrate(pool, { dir: MIGRATIONS_DIR, storageMode: loadConfig().STORAGE_MODE });
    timescale = (await readStorageMode(pool)) === 'timescale';
    // CREATE EXTENSION started a TimescaleDB job scheduler connected to this database; RENAME and every
    // CREATE DATABASE … TEMPLATE fail while it is there ("being accessed by other users"). Stop it (the
    // launcher waits for it to exit) before closing the template to connections below.
    if (timescale) await pool.query('SELECT _timescaledb_functions.stop_background_workers()');
  } finally {
    await pool.end();
  }
  await withAdmin(async (c) => {
    // TimescaleDB restarts the template's scheduler on every CREATE DATABASE … TEMPLATE of a database that
    // allows connections, and the restarted scheduler races the copy. A template that refuses connections
    // gets neither (loader.c, post_analyze_hook). Plain servers are left as they were: other worktrees share them.
    if (timescale) await c.query(`ALTER DATABASE ${building} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true`);
    // Rename into place only when fully migrated; a concurrent builder that lost the race drops its copy.
    try {
      await c.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    } catch (err) {
      if (!(await databaseExists(c, name))) throw err;
      await dropDatabase(c, building);
    }
  });
  return name;
}

async function databaseExists(c: pg.Client, name: string): Promise<boolean> {
  const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return r.rowCount === 1;
}

/** A template database (TimescaleDB servers, above) must be made an ordinary one before it can be dropped. */
async function dropDatabase(c: pg.Client, name: string): Promise<void> {
  const { rows } = await c.query<{ datistemplate: boolean }>(
    'SELECT datistemplate FROM pg_database WHERE datname = $1',
    [name],
  );
  if (rows[0]?.datistemplate) await c.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE false`);
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

// Several test runs may share one PostgreSQL server (developers running files in parallel): only databases
// older than this are treated as leftovers. The creation time is kept in the database's comment.
const STALE_AFTER_MS = 3 * 60 * 60 * 1000;

async function stampCreated(c: pg.Client, name: string): Promise<void> {
  await c.query(`COMMENT ON DATABASE ${name} IS 'envwatch-test created ${Date.now()}'`);
}

export async function dropStaleTestDatabases(): Promise<void> {
  await withAdmin(async (c) => {
    const { rows } = await c.query<{ datname: string; note: string | null }>(
      `SELECT datname, shobj_description(oid, 'pg_database') AS note FROM pg_database
        WHERE datname LIKE $1 OR datname LIKE $2`,
      [likePrefix(TEST_DB_PREFIX), likePrefix(TEMPLATE_PREFIX)],
    );
    const current = await templateName();
    for (const { datname, note } of rows) {
      if (datname === current) continue;
      const created = Number(/created (\d+)/.exec(note ?? '')?.[1] ?? 0);
      if (Date.now() - created < STALE_AFTER_MS) continue;
      await dropDatabase(c, datname);
    }
  });
}

export interface TestDatabase {
  name: string;
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** An empty database (no migrations), for tests of the migrator and the CLI's first run. */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  const name = `${TEST_DB_PREFIX}${randomBytes(5).toString('hex')}`;
  await withAdmin(async (c) => {
    await c.query(`CREATE DATABASE ${name}`);
    await stampCreated(c, name);
  });
  const url = adminUrl(name);
  const pool = createPool({ connectionString: url, max: 8, applicationName: 'envwatch-test' });
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end();
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const template = await ensureTemplateDatabase();
  const name = `${TEST_DB_PREFIX}${randomBytes(5).toString('hex')}`;
  await withAdmin(async (c) => {
    await c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    await stampCreated(c, name);
  });
  const url = adminUrl(name);
  const pool = createPool({ connectionString: url, max: 8, applicationName: 'envwatch-test' });
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end();
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/**
 * Registers the hooks for a test file: a fresh database before the first test, dropped after the last —
 * unless a test failed, in which case it is kept (and named in the output) for inspection.
 */
export function useTestDatabase(): TestDatabase {
  let db: TestDatabase | undefined;
  let failed = false;
  const handle = {
    get name() {
      return must().name;
    },
    get url() {
      return must().url;
    },
    get pool() {
      return must().pool;
    },
    drop: () => must().drop(),
  } as TestDatabase;
  function must(): TestDatabase {
    if (!db) throw new Error('test database not ready: use it inside a test or hook');
    return db;
  }
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') failed = true;
  });
  afterAll(async () => {
    if (!db) return;
    if (failed) {
      await db.pool.end();
      console.warn(`kept test database ${db.name} for inspection (a test failed)`);
      return;
    }
    await db.drop();
  });
  return handle;
}
