import { mkdtemp, readdir, copyFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SchemaMismatchError } from '../../services/errors.js';
import { migrate, readSchemaStatus } from '../../services/migrate/migrator.js';
import { createEmptyDatabase, type TestDatabase } from '../helpers/test-db.js';

const MIGRATIONS = path.resolve(import.meta.dirname, '../../migrations');
const opened: TestDatabase[] = [];

async function emptyDb(): Promise<TestDatabase> {
  const db = await createEmptyDatabase();
  opened.push(db);
  return db;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.drop()));
});

describe('migrate', () => {
  it('applies every migration once; a second run applies nothing', async () => {
    const db = await emptyDb();
    const first = await migrate(db.pool, { dir: MIGRATIONS, storageMode: 'auto' });
    const files = (await readdir(MIGRATIONS)).filter((f) => f.endsWith('.sql'));
    expect(first.applied).toHaveLength(files.length);
    const second = await migrate(db.pool, { dir: MIGRATIONS, storageMode: 'auto' });
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toBe(files.length);
  });

  it('lets two concurrent runs both succeed, applying each file exactly once', async () => {
    const db = await emptyDb();
    const [a, b] = await Promise.all([
      migrate(db.pool, { dir: MIGRATIONS, storageMode: 'auto' }),
      migrate(db.pool, { dir: MIGRATIONS, storageMode: 'auto' }),
    ]);
    const files = (await readdir(MIGRATIONS)).filter((f) => f.endsWith('.sql'));
    expect(a.applied.length + b.applied.length).toBe(files.length);
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM envwatch_migration');
    expect(rows[0]!.n).toBe(files.length);
  });

  it('records the storage mode it chose (plain here, where TimescaleDB is not installed)', async () => {
    const db = await emptyDb();
    await migrate(db.pool, { dir: MIGRATIONS, storageMode: 'plain' });
    const { rows } = await db.pool.query<{ mode: string }>('SELECT mode FROM envwatch_storage');
    expect(rows[0]!.mode).toBe('plain');
    const part = await db.pool.query<{ relkind: string }>(
      `SELECT relkind FROM pg_class WHERE relname = 'measurement'`,
    );
    expect(part.rows[0]!.relkind).toBe('p'); // natively partitioned
  });

  it('refuses a database that is newer than the code', async () => {
    const db = await emptyDb();
    await migrate(db.pool, { dir: MIGRATIONS, storageMode: 'auto' });
    await db.pool.query(
      `INSERT INTO envwatch_migration (id, name, checksum) VALUES (9999, '9999_from_the_future.sql', 'x')`,
    );
    await expect(readSchemaStatus(db.pool, MIGRATIONS)).rejects.toThrow(/newer than the code/);
    await expect(migrate(db.pool, { dir: MIGRATIONS, storageMode: 'auto' })).rejects.toBeInstanceOf(
      SchemaMismatchError,
    );
  });

  it('refuses a released migration that was edited', async () => {
    const db = await emptyDb();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'envwatch-mig-'));
    const first = (await readdir(MIGRATIONS)).filter((f) => f.endsWith('.sql')).sort()[0]!;
    await copyFile(path.join(MIGRATIONS, first), path.join(dir, first));
    await migrate(db.pool, { dir, storageMode: 'auto' });
    await writeFile(path.join(dir, first), '-- edited\nSELECT 1;');
    await expect(migrate(db.pool, { dir, storageMode: 'auto' })).rejects.toThrow(
      /edited after it was applied/,
    );
  });

  it('rolls back a failing migration whole and names it', async () => {
    const db = await emptyDb();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'envwatch-mig-'));
    await writeFile(path.join(dir, '0001_good.sql'), 'CREATE TABLE a (id int);');
    await writeFile(path.join(dir, '0002_bad.sql'), 'CREATE TABLE b (id int); SELECT no_such_function();');
    await expect(migrate(db.pool, { dir, storageMode: 'auto' })).rejects.toThrow(/0002_bad\.sql failed/);
    const { rows } = await db.pool.query<{ b: string | null }>(`SELECT to_regclass('b')::text AS b`);
    expect(rows[0]!.b).toBeNull();
    expect((await readSchemaStatus(db.pool, dir)).pending).toEqual(['0002_bad.sql']);
  });
});
