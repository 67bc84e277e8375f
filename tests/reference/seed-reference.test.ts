import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../services/errors.js';
import type { Queryable } from '../../services/db/queryable.js';
import { loadContacts } from '../../services/reference/load-contacts.js';
import { loadReferenceSet } from '../../services/reference/load-reference.js';
import { seedContacts, seedReference } from '../../services/reference/seed-reference.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { minimalReferenceSet } from './minimal-set.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TABLES = [
  'district',
  'area',
  'area_alias',
  'metric',
  'site',
  'site_alias',
  'site_water_target',
  'unit',
  'unit_alias',
  'official',
  'contact',
] as const;

async function snapshot(db: Queryable): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    out[table] = (await db.query(`SELECT * FROM ${table} ORDER BY 1, 2`)).rows;
  }
  return out;
}

async function count(db: Queryable, table: (typeof TABLES)[number]): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

describe('seedReference', () => {
  const db = useTestDatabase();

  it('loads the shipped files, and a second run changes nothing', async () => {
    const set = await loadReferenceSet(path.join(ROOT, 'config/reference'));
    const contacts = await loadContacts(path.join(ROOT, 'config/contacts.example.yaml'), set);
    const first = await seedReference(db.pool, set);
    await seedContacts(db.pool, contacts);
    const before = await snapshot(db.pool);

    const second = await seedReference(db.pool, set);
    const secondContacts = await seedContacts(db.pool, contacts);

    expect(Object.values(second).every((c) => c.inserted === 0 && c.updated === 0 && c.deleted === 0)).toBe(
      true,
    );
    expect(secondContacts).toEqual({ inserted: 0, updated: 0, deleted: 0 });
    expect(await snapshot(db.pool)).toEqual(before);
    expect(first.area.inserted).toBe(26);
    expect(await count(db.pool, 'area')).toBe(26);
    expect(await count(db.pool, 'site')).toBe(set.sites.length);
    expect(await count(db.pool, 'unit')).toBe(set.units.length);
    expect(await count(db.pool, 'official')).toBe(set.officials.length);
    expect(await count(db.pool, 'contact')).toBe(contacts.length);
    expect(await count(db.pool, 'site_water_target')).toBe(set.sites.flatMap((s) => s.water_targets).length);
  });

  it('stores a site’s water targets with their overrides', async () => {
    const { rows } = await db.pool.query(
      `SELECT site_id, year, target_class, overrides FROM site_water_target
        WHERE site_id = 'ganggouhe_houyuanhua' ORDER BY year`,
    );
    // 2021 keeps the 2020 relaxation (001:709 "达到国家市级相应考核要求"; issue #19).
    expect(rows).toEqual([
      { site_id: 'ganggouhe_houyuanhua', year: 2020, target_class: 5, overrides: { nh3n: { max: 4 } } },
      { site_id: 'ganggouhe_houyuanhua', year: 2021, target_class: 5, overrides: { nh3n: { max: 4 } } },
    ]);
  });
});

describe('seedReference on a changing set', () => {
  const db = useTestDatabase();

  it('updates changed rows and deletes aliases, targets and units that left the files', async () => {
    await seedReference(db.pool, minimalReferenceSet());
    const next = minimalReferenceSet();
    next.areas[0]!.aliases = []; // 北苑 is dropped
    next.areas[0]!.name_en = 'Beiyuan Street';
    next.sites[0]!.water_targets = [];
    next.units = next.units.filter((u) => u.id !== 'hp_command');

    const counts = await seedReference(db.pool, next);

    expect(counts.area).toEqual({ inserted: 0, updated: 1, deleted: 0 });
    expect(counts.site_water_target.deleted).toBe(1);
    expect(counts.unit.deleted).toBe(1);
    const { rows } = await db.pool.query<{ alias: string }>(
      `SELECT alias FROM area_alias WHERE area_id = 'beiyuan' ORDER BY alias`,
    );
    // The old English name went with the rename; the short and full Chinese names stay.
    expect(rows.map((r) => r.alias)).toEqual(['Beiyuan Street', '北苑街道', '北苑街道办事处']);
  });

  it('refuses to drop a unit that contacts still name, and leaves everything as it was', async () => {
    await seedReference(db.pool, minimalReferenceSet());
    await seedContacts(db.pool, [
      {
        id: 'gov_luyi.liaison',
        name_zh: '潞邑联络员',
        name_en: null,
        unit_id: 'gov_luyi',
        official_id: null,
        role: '联络员',
        email: 'luyi@example.gov.cn',
        mobile: null,
        locale: 'zh-CN',
        quiet_from: null,
        quiet_to: null,
        year_from: 2021,
        year_to: null,
        is_district_leadership: false,
      },
    ]);
    const before = await snapshot(db.pool);
    const next = minimalReferenceSet();
    next.areas = next.areas.filter((a) => a.id !== 'luyi');
    next.units = next.units.filter((u) => u.id !== 'gov_luyi');

    await expect(seedReference(db.pool, next)).rejects.toBeInstanceOf(ConflictError);
    expect(await snapshot(db.pool)).toEqual(before);
  });

  it('leaves the contact directory alone when given no contacts', async () => {
    const before = await count(db.pool, 'contact');
    expect(await seedContacts(db.pool, [])).toEqual({ inserted: 0, updated: 0, deleted: 0 });
    expect(await count(db.pool, 'contact')).toBe(before);
  });
});
