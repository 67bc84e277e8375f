import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceSet } from '../../services/reference/load-reference.js';
import {
  listAreas,
  listSites,
  resolveAreaId,
  resolveSiteId,
  resolveUnitId,
} from '../../services/reference/reference-queries.js';
import { namesOf, type ReferenceSet } from '../../services/reference/reference-schema.js';
import { seedReference } from '../../services/reference/seed-reference.js';
import { shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';

const db = useTestDatabase();
let set: ReferenceSet;

beforeAll(async () => {
  set = await loadReferenceSet(path.resolve(import.meta.dirname, '../../config/reference'));
  await seedReference(db.pool, set);
});

describe('resolving names', () => {
  it('resolves every alias of every area, site and unit to its canonical id', async () => {
    const cases = [
      ...set.areas.flatMap((a) => namesOf(a).map((n) => [resolveAreaId, n, a.id] as const)),
      ...set.sites.flatMap((s) => namesOf(s).map((n) => [resolveSiteId, n, s.id] as const)),
      ...set.units.flatMap((u) => namesOf(u).map((n) => [resolveUnitId, n, u.id] as const)),
    ];
    for (const [resolve, name, id] of cases) expect([name, await resolve(db.pool, name)]).toEqual([name, id]);
  });

  it('resolves 于家务, 于家务乡 and 于家务回族乡 to yujiawu', async () => {
    for (const name of ['于家务', '于家务乡', '于家务回族乡'])
      expect(await resolveAreaId(db.pool, name)).toBe('yujiawu');
    expect(await resolveUnitId(db.pool, '于家务乡政府')).toBe('gov_yujiawu');
  });

  it('normalises input: trims, folds full-width characters and spaces, ignores Latin case', async () => {
    expect(await resolveAreaId(db.pool, '  北苑街道\u3000')).toBe('beiyuan');
    expect(await resolveAreaId(db.pool, 'ＹＵＪＩＡＷＵ hui ethnic township')).toBe('yujiawu');
    expect(await resolveAreaId(db.pool, 'YongShun')).toBe('yongshun');
    expect(await resolveSiteId(db.pool, '港沟河 后元化')).toBe('ganggouhe_houyuanhua');
    expect(await resolveUnitId(db.pool, '区空气重污染应急指挥部成员单位')).toBe('hp_command');
    expect(await resolveUnitId(db.pool, '通州区空气重污染应急工作小组')).toBe('hp_command');
  });

  it('returns null for an unknown or empty name', async () => {
    expect(await resolveAreaId(db.pool, '海淀区')).toBeNull();
    expect(await resolveUnitId(db.pool, '   ')).toBeNull();
  });
});

describe('listAreas', () => {
  it('lists the 17 Tongzhou units of 2020 and the 22 of 2021, in plan order', async () => {
    const in2020 = await listAreas(db.pool, { district: 'tongzhou', asOf: '2020-06-01' });
    const in2021 = await listAreas(db.pool, { district: 'tongzhou', asOf: '2021-06-01' });
    expect(in2020).toHaveLength(17);
    expect(in2021).toHaveLength(22);
    expect(in2021[0]).toMatchObject({
      id: 'beiyuan',
      short_zh: '北苑街道',
      valid_from: '2020-01-01',
      valid_to: null,
    });
    expect(in2021.map((a) => a.id).at(-1)).toBe('yongledian');
  });

  it('reads a Date as the Shanghai day it falls in', async () => {
    // 2020-12-31 16:30 UTC is already 2021-01-01 in Shanghai, when the five new streets count.
    const newYear = shanghaiInstant('2021-01-01', 0, 30);
    expect(await listAreas(db.pool, { district: 'tongzhou', asOf: newYear })).toHaveLength(22);
    expect(
      await listAreas(db.pool, { district: 'tongzhou', asOf: shanghaiInstant('2020-12-31', 23, 30) }),
    ).toHaveLength(17);
  });

  it('lists every district without filters, Tongzhou first', async () => {
    const all = await listAreas(db.pool);
    expect(all).toHaveLength(26);
    expect(all.at(-1)?.district_id).toBe('bda');
  });
});

describe('listSites', () => {
  it('filters by kind and by area', async () => {
    const sections = await listSites(db.pool, { kind: 'water_section' });
    expect(sections.filter((s) => !s.is_example)).toHaveLength(9);
    expect(sections.find((s) => s.id === 'chaobaihe_wucun')?.section_kinds).toEqual([
      'assessment',
      'boundary',
      'transboundary',
    ]);
    const inZhangjiawan = await listSites(db.pool, { area: 'zhangjiawan' });
    expect(inZhangjiawan.map((s) => s.id).sort()).toEqual([
      'df_zhangjiawan',
      'ex_outflow_zhangjiawan',
      'ex_yudaihe',
      'st_zhangjiawan_1',
    ]);
  });
});
