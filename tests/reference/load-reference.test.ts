import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../services/errors.js';
import { loadReferenceSet, parseReferenceFiles } from '../../services/reference/load-reference.js';
import { NameIndex } from '../../services/reference/name-index.js';
import { namesOf, type Area, type ReferenceSet } from '../../services/reference/reference-schema.js';

const REFERENCE_DIR = path.resolve(import.meta.dirname, '../../config/reference');

function validOn(area: Area, day: string): boolean {
  return area.valid_from <= day && (area.valid_to === null || area.valid_to >= day);
}

function areaIndex(set: ReferenceSet): NameIndex {
  return new NameIndex(set.areas.map((a) => ({ id: a.id, names: namesOf(a) })));
}

describe('the shipped reference files', () => {
  it('validate as one set', async () => {
    const set = await loadReferenceSet(REFERENCE_DIR);
    expect(set.districts.map((d) => d.id)).toEqual(['tongzhou', 'bda']);
  });

  it('hold 26 areas: the 22 Tongzhou units of the 2021 plan and 4 BDA units', async () => {
    const set = await loadReferenceSet(REFERENCE_DIR);
    expect(set.areas).toHaveLength(26);
    expect(set.areas.filter((a) => a.district_id === 'tongzhou')).toHaveLength(22);
    expect(set.areas.filter((a) => a.district_id === 'bda').map((a) => a.id)).toEqual([
      'ronghua',
      'boxing',
      'yizhuang',
      'yinghai',
    ]);
  });

  it('give 17 Tongzhou units in mid-2020 and 22 in mid-2021', async () => {
    const tongzhou = (await loadReferenceSet(REFERENCE_DIR)).areas.filter(
      (a) => a.district_id === 'tongzhou',
    );
    expect(tongzhou.filter((a) => validOn(a, '2020-06-01'))).toHaveLength(17);
    expect(tongzhou.filter((a) => validOn(a, '2021-06-01'))).toHaveLength(22);
    expect(tongzhou.filter((a) => !validOn(a, '2020-06-01')).map((a) => a.id)).toEqual([
      'luyi',
      'jiukeshu',
      'yangzhuang',
      'linheli',
      'wenjing',
    ]);
  });

  it('resolve every alias of an area to that area', async () => {
    const set = await loadReferenceSet(REFERENCE_DIR);
    const index = areaIndex(set);
    for (const area of set.areas) {
      for (const name of namesOf(area)) expect([name, index.resolve(name)]).toEqual([name, area.id]);
    }
  });

  it('resolve every spelling of 于家务 and the OCR form of 漷县', async () => {
    const index = areaIndex(await loadReferenceSet(REFERENCE_DIR));
    for (const name of [
      '于家务',
      '于家务乡',
      '于家务回族乡',
      '于家务乡政府',
      'Yujiawu Hui Ethnic Township',
    ]) {
      expect(index.resolve(name)).toBe('yujiawu');
    }
    expect(index.resolve('潮县镇政府')).toBe('huoxian');
  });

  it('match names regardless of full-width spaces, stray spaces and Latin case', async () => {
    const index = areaIndex(await loadReferenceSet(REFERENCE_DIR));
    expect(index.resolve('\u3000于家务 乡 ')).toBe('yujiawu');
    expect(index.resolve('ＢＥＩＹＵＡＮ subdistrict')).toBe('beiyuan');
  });

  it('give every 2020 water section its target, with the NH3-N override on 后元化 and 王家摆', async () => {
    const set = await loadReferenceSet(REFERENCE_DIR);
    const targets2020 = set.sites.flatMap((s) =>
      s.water_targets.filter((t) => t.year === 2020).map((t) => [s.id, t]),
    );
    expect(targets2020).toHaveLength(9);
    const overridden = set.sites.filter((s) => s.water_targets.some((t) => t.overrides.nh3n?.max === 4));
    expect(overridden.map((s) => s.id).sort()).toEqual(['beiyunhe_wangjiabai', 'ganggouhe_houyuanhua']);
    const targets2024 = set.sites.flatMap((s) =>
      s.water_targets.filter((t) => t.year === 2024 && s.section_kinds.includes('assessment')),
    );
    expect(targets2024.map((t) => t.target_class).sort()).toEqual([3, 4, 4, 4, 4, 4, 4, 4]);
  });
});

describe('parseReferenceFiles', () => {
  const minimalFiles = () => [
    {
      name: 'districts.yaml',
      text: 'districts:\n  - { id: tongzhou, name_zh: 通州区, name_en: Tongzhou }\n',
    },
    { name: 'areas.yaml', text: 'areas: []\n' },
    { name: 'metrics.yaml', text: 'metrics: []\n' },
    { name: 'sites.yaml', text: 'sites: []\n' },
    { name: 'units.yaml', text: 'units: []\n' },
    { name: 'officials.yaml', text: 'officials: []\n' },
  ];

  function problemsOf(files: { name: string; text: string }[]): { path?: string; reason?: string }[] {
    try {
      parseReferenceFiles(files);
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      return (err as ValidationError).details;
    }
    throw new Error('expected a ValidationError');
  }

  it('refuses every malformed entry at once, naming file and path', () => {
    const files = minimalFiles();
    files[1] = {
      name: 'areas.yaml',
      text: [
        'areas:',
        '  - { id: Bad-Id, district_id: tongzhou, name_zh: 甲, short_zh: 甲, name_en: A, kind: street, valid_from: 2020-01-01 }',
        '  - { id: ok, district_id: tongzhou, name_zh: 乙, short_zh: 乙, name_en: B, kind: village, valid_from: 2020-01-01, colour: red }',
      ].join('\n'),
    };
    const paths = problemsOf(files).map((p) => p.path);
    expect(paths).toContain('areas.yaml: areas[0].id');
    expect(paths).toContain('areas.yaml: areas[1].kind');
    expect(paths).toContain('areas.yaml: areas[1]'); // the unknown key "colour"
  });

  it('refuses a directory that lacks a kind, since seeding would delete all its rows', () => {
    const problems = problemsOf(minimalFiles().filter((f) => f.name !== 'units.yaml'));
    expect(problems).toEqual([{ path: 'units.yaml', reason: 'missing: every kind needs a file' }]);
  });

  it('refuses a YAML syntax error with its line, and an unknown file name', () => {
    const files = [...minimalFiles(), { name: 'stations.yaml', text: 'x: 1\n' }];
    files[2] = { name: 'metrics.yaml', text: 'metrics:\n  - { id: a\n' };
    const paths = problemsOf(files).map((p) => p.path);
    expect(paths).toContain('stations.yaml');
    expect(paths.some((p) => p?.startsWith('metrics.yaml:'))).toBe(true);
  });

  it('accepts files split by domain, x- anchors and merge keys', () => {
    const files = minimalFiles();
    files.push({
      name: 'units-extra.yaml',
      text: [
        'x-shared:',
        '  - &dept { kind: department, district_id: tongzhou }',
        'units:',
        '  - { <<: *dept, id: eeb, name_zh: 区生态环境局, name_en: EEB }',
      ].join('\n'),
    });
    const set = parseReferenceFiles(files);
    expect(set.units).toEqual([
      expect.objectContaining({ id: 'eeb', kind: 'department', district_id: 'tongzhou' }),
    ]);
  });
});
