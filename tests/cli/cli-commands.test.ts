/**
 * The README's commands, run as a user runs them (`node bin/envwatch.mjs …` in a child process) against a
 * database of their own: migrate twice and concurrently, seed twice, doctor.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase, type TestDatabase } from '../helpers/test-db.js';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../bin/envwatch.mjs');
let db: TestDatabase;

function envwatch(...args: string[]) {
  return run(process.execPath, [BIN, ...args], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      LOG_LEVEL: 'silent',
      CONTACTS_FILE: 'config/contacts.example.yaml',
    },
    timeout: 120_000,
  });
}

async function referenceFingerprint(): Promise<string> {
  const { rows } = await db.pool.query<{ h: string }>(
    `SELECT md5(string_agg(t, '|' ORDER BY t)) AS h FROM (
       SELECT 'area' || row(a.*)::text AS t FROM area a UNION ALL SELECT 'alias' || row(x.*)::text FROM area_alias x
       UNION ALL SELECT 'site' || row(s.*)::text FROM site s UNION ALL SELECT 'unit' || row(u.*)::text FROM unit u
       UNION ALL SELECT 'metric' || row(m.*)::text FROM metric m UNION ALL SELECT 'official' || row(o.*)::text FROM official o
       UNION ALL SELECT 'contact' || row(c.*)::text FROM contact c
       UNION ALL SELECT 'target' || (row(t.id, t.metric_id, t.params, t.scope_ids)::text) FROM target t) all_rows`,
  );
  return rows[0]!.h;
}

beforeAll(async () => {
  db = await createEmptyDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('envwatch CLI', () => {
  it('migrate applies everything once, then nothing; two concurrent runs both succeed', async () => {
    const [a, b] = await Promise.all([envwatch('migrate'), envwatch('migrate')]);
    expect(`${a.stdout}${b.stdout}`).toMatch(/applied \d+ migration/);
    const again = await envwatch('migrate');
    expect(again.stdout).toMatch(/database is up to date .*storage mode: (plain|timescale)/);
  });

  it('seed twice leaves the same rows: 26 areas whose aliases resolve to canonical ids', async () => {
    const first = await envwatch('seed');
    expect(first.stdout).toContain('reference data');
    const before = await referenceFingerprint();
    const second = await envwatch('seed');
    expect(second.stdout).toMatch(/area \+0 ~0 -0/);
    expect(first.stdout).toMatch(/tasks: 699 in 5 plan\(s\) \(~699 changed/);
    expect(second.stdout).toMatch(/tasks: 699 in 5 plan\(s\) \(~0 changed, -0 disabled/);
    expect(await referenceFingerprint()).toBe(before);
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM area');
    expect(rows[0]!.n).toBe(26);
    const alias = await db.pool.query<{ area_id: string }>(
      `SELECT area_id FROM area_alias WHERE alias = ANY ($1) ORDER BY alias`,
      [['于家务', '于家务乡', '于家务回族乡']],
    );
    expect(alias.rows.map((r) => r.area_id)).toEqual(['yujiawu', 'yujiawu', 'yujiawu']);
    // Analysed when the seed ends: autovacuum skips tables this small (and may be off), and without statistics
    // the owed-tasks query behind the task reminders ran 10× slower on a guessed plan.
    const unanalysed = await db.pool.query<{ relname: string }>(
      `SELECT relname FROM pg_stat_user_tables
        WHERE relname = ANY ($1) AND last_analyze IS NULL ORDER BY relname`,
      [['area', 'unit', 'official', 'contact', 'plan', 'target', 'task', 'task_unit']],
    );
    expect(unanalysed.rows).toEqual([]);
  });

  it('check-tasks prints the task rows per plan and section and lists the rows to review', async () => {
    const { stdout } = await envwatch('check-tasks');
    expect(stdout).toContain(
      'tongzhou-2024: 251 task row(s) valid (蓝天 82, 碧水 47, 净土 49, 应对气候变化 46, 生态保护 27)',
    );
    expect(stdout).toMatch(/to review \(\d+\):/);
    expect(stdout).toContain(
      'tongzhou-2020.yaml:TZ20-AIR-003.units[0]: 主责单位 "区委督查室区政府督查室" resolves to no unit',
    );
    const strict = await envwatch('check-tasks', '--strict').catch((e: { code: number }) => e);
    expect(strict).toMatchObject({ code: 1 });
  });

  it('doctor prints the storage mode and the versions', async () => {
    const { stdout } = await envwatch('doctor');
    expect(stdout).toMatch(/storage mode\s+(plain|timescale)/);
    expect(stdout).toMatch(/PostgreSQL\s+\d+/);
    expect(stdout).toMatch(/Redis\s+\d+\.\d+/);
    expect(stdout).toMatch(/maxmemory-policy noeviction/);
    expect(stdout).toMatch(/report PDF engine\s+pdfkit \(pure JavaScript, no browser needed\)/);
    expect(stdout).toMatch(/report font\s+Noto Sans SC \(\d+ glyphs\) — \S+NotoSansSC_400Regular\.ttf/);
    expect(stdout).not.toMatch(/WARNING.*font/);
  });

  it('says in words what is wrong when PostgreSQL cannot be reached', async () => {
    const err = await run(process.execPath, [BIN, 'doctor'], {
      env: { ...process.env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/envwatch' },
    }).catch((e: { stderr: string; code: number }) => e);
    expect('code' in err && err.code).toBe(3);
    expect((err as { stderr: string }).stderr).toContain('Cannot reach PostgreSQL');
    expect((err as { stderr: string }).stderr).toContain('pg_ctlcluster');
    expect((err as { stderr: string }).stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
