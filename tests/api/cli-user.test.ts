import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { run } from '../../services/cli/commands/user.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedDistricts } from './factories.js';

const db = useTestDatabase();

async function user(...args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const config = loadConfig({ ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
  const code = await run({ config, args, out: (l) => lines.push(l) });
  return { code, lines };
}

describe('envwatch user', () => {
  it('adds the bootstrap administrator and prints a generated password once', async () => {
    const { code, lines } = await user('add', '--username', 'admin', '--role', 'admin');
    expect(code).toBe(0);
    const password = lines.find((l) => l.startsWith('password: '))!.slice('password: '.length);
    expect(password).toHaveLength(20);
    const { rows } = await db.pool.query(
      `SELECT role, password_hash LIKE 'scrypt$%' AS hashed FROM app_user WHERE username = 'admin'`,
    );
    expect(rows).toEqual([{ role: 'admin', hashed: true }]);
    const audit = await db.pool.query(
      `SELECT via, actor LIKE 'cli:%' AS cli FROM audit_log WHERE action = 'user.create'`,
    );
    expect(audit.rows).toEqual([{ via: 'cli', cli: true }]);
  });

  it('refuses a street/town account without its area, and a duplicate username', async () => {
    await seedDistricts(db.pool);
    await expect(user('add', '--username', 'street1', '--role', 'area')).rejects.toThrow(/needs an area/);
    await expect(user('add', '--username', 'admin', '--role', 'readonly')).rejects.toThrow(/already exists/);
    expect((await user('add', '--username', 'street1', '--role', 'area', '--area', 'beiyuan')).code).toBe(0);
  });

  it('adds a unit account only with a real, non-collective unit', async () => {
    await seedDistricts(db.pool);
    await db.pool.query(`INSERT INTO unit (id, name_zh, name_en, kind, district_id, expands_to) VALUES
      ('water_bureau', '区水务局', 'Water Affairs Bureau', 'department', 'tongzhou', NULL),
      ('streets_towns', '各街道乡镇', 'Every street and town', 'collective', 'tongzhou', 'area_of_scope')
      ON CONFLICT DO NOTHING`);
    await expect(user('add', '--username', 'water1', '--role', 'unit')).rejects.toThrow(/needs a unit/);
    await expect(
      user('add', '--username', 'water1', '--role', 'unit', '--unit', 'streets_towns'),
    ).rejects.toThrow(/a collective/);
    await expect(
      user('add', '--username', 'water1', '--role', 'bureau', '--unit', 'water_bureau'),
    ).rejects.toThrow(/only unit accounts have a unit/);
    expect((await user('add', '--username', 'water1', '--role', 'unit', '--unit', 'water_bureau')).code).toBe(
      0,
    );
    const { rows } = await db.pool.query(`SELECT role, unit_id FROM app_user WHERE username = 'water1'`);
    expect(rows).toEqual([{ role: 'unit', unit_id: 'water_bureau' }]);
  });

  it('issues a token (printed once, stored as a digest), lists and revokes it', async () => {
    const { lines } = await user(
      'token',
      '--username',
      'street1',
      '--name',
      'dashboard script',
      '--read-only',
      '--days',
      '30',
    );
    const token = lines.find((l) => l.startsWith('ewt_'))!;
    expect(token).toMatch(/^ewt_[A-Za-z0-9_-]{43}$/);
    const listed = (await user('tokens', '--username', 'street1')).lines;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toContain('read-only');
    expect(listed[0]).toContain('active');
    const id = listed[0]!.split('\t')[0]!;
    await user('revoke-token', '--id', id);
    expect((await user('tokens')).lines[0]).toContain('revoked');
  });

  it('lists, disables and re-enables users', async () => {
    await user('disable', '--username', 'street1');
    expect((await user('list')).lines.find((l) => l.includes('street1'))).toContain('disabled');
    await user('enable', '--username', 'street1');
    expect((await user('list')).lines.find((l) => l.includes('street1'))).not.toContain('disabled');
  });

  it('sets a bureau account’s districts, refuses an unknown one or a non-bureau, and audits the change', async () => {
    await seedDistricts(db.pool);
    await user('add', '--username', 'bureau1', '--role', 'bureau');
    expect((await user('districts', '--username', 'bureau1', '--district', 'bda')).lines).toEqual([
      'bureau1 reads bda',
    ]);
    const scoped = await db.pool.query(`SELECT district_ids FROM app_user WHERE username = 'bureau1'`);
    expect(scoped.rows).toEqual([{ district_ids: ['bda'] }]);
    expect((await user('list')).lines.find((l) => l.includes('bureau1'))).toContain('bureau:bda');
    const audit = await db.pool.query(
      `SELECT before->'districtIds' AS before, after->'districtIds' AS after FROM audit_log
        WHERE action = 'user.update' AND entity_id = (SELECT id::text FROM app_user WHERE username = 'bureau1')`,
    );
    expect(audit.rows).toEqual([{ before: [], after: ['bda'] }]);

    await expect(user('districts', '--username', 'bureau1', '--district', 'mars')).rejects.toThrow(
      /unknown district: mars/,
    );
    await expect(user('districts', '--username', 'street1', '--district', 'tongzhou')).rejects.toThrow(
      /only bureau accounts are scoped to districts/,
    );
    await expect(user('districts', '--username', 'bureau1')).rejects.toThrow(/--all-districts/);
    expect((await user('districts', '--username', 'bureau1', '--all-districts')).lines).toEqual([
      'bureau1 reads every district',
    ]);
  });
});
