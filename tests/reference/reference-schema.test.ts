import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../services/errors.js';
import { validateReferenceSet, type ReferenceSet } from '../../services/reference/reference-schema.js';
import { minimalReferenceSet } from './minimal-set.js';

function problemsOf(set: ReferenceSet): { path?: string; reason?: string }[] {
  try {
    validateReferenceSet(set);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).details;
  }
  throw new Error('expected a ValidationError');
}

describe('validateReferenceSet', () => {
  it('accepts a consistent set', () => {
    expect(() => validateReferenceSet(minimalReferenceSet())).not.toThrow();
  });

  it('lists every problem of a broken set at once: duplicate alias, unknown area, unknown member', () => {
    const set = minimalReferenceSet();
    set.areas[1]!.aliases.push('北苑'); // already an alias of beiyuan
    set.sites[0]!.area_id = 'nowhere';
    set.units[3]!.members.push('no_such_unit');
    expect(problemsOf(set)).toEqual([
      { path: 'areas[1].aliases', reason: '"北苑" already names areas "beiyuan"' },
      { path: 'sites[0].area_id', reason: 'unknown area "nowhere"' },
      { path: 'units[3].members[1]', reason: 'unknown unit "no_such_unit"' },
    ]);
  });

  it('names the file and entry when the set came from files', () => {
    const set = minimalReferenceSet();
    set.origin = new WeakMap([[set.sites[0]!, 'sites-water.yaml: sites[7]']]);
    set.sites[0]!.district_id = 'haidian';
    expect(problemsOf(set)).toContainEqual({
      path: 'sites-water.yaml: sites[7].district_id',
      reason: 'unknown district "haidian"',
    });
  });

  it('treats aliases that differ only in width, spacing or case as duplicates', () => {
    const set = minimalReferenceSet();
    set.areas[1]!.aliases.push('ＢＥＩＹＵＡＮ　subdistrict');
    expect(problemsOf(set)).toEqual([
      { path: 'areas[1].aliases', reason: '"ＢＥＩＹＵＡＮ　subdistrict" already names areas "beiyuan"' },
    ]);
  });

  it('refuses an alias that is another entry’s id', () => {
    const set = minimalReferenceSet();
    set.areas[0]!.aliases.push('luyi');
    expect(problemsOf(set)).toEqual([
      { path: 'areas[0].aliases', reason: '"luyi" already names areas "luyi"' },
    ]);
  });

  it('requires exactly one government unit per area, so 各街道乡镇 alerts reach someone', () => {
    const set = minimalReferenceSet();
    set.units = set.units.filter((u) => u.id !== 'gov_luyi');
    expect(problemsOf(set)).toEqual([
      { path: 'areas[1]', reason: '0 government units (kind area) instead of 1' },
    ]);
  });

  it('refuses a member that would need a second expansion, and an override on a non-water metric', () => {
    const set = minimalReferenceSet();
    set.units.push({
      ...set.units[3]!,
      id: 'nested',
      aliases: [],
      name_zh: '嵌套',
      name_en: 'Nested',
      members: ['hp_command'],
    });
    set.sites[0]!.water_targets[0]!.overrides = { pm25: { max: 4 } };
    expect(problemsOf(set)).toEqual([
      { path: 'sites[0].water_targets[0].overrides.pm25', reason: '"pm25" is no water metric' },
      { path: 'units[4].members[0]', reason: '"hp_command" is a command unit' },
    ]);
  });

  it('refuses an area in a district that does not exist and a duplicate id', () => {
    const set = minimalReferenceSet();
    set.areas.push({
      ...set.areas[0]!,
      aliases: [],
      name_zh: '甲',
      short_zh: '甲',
      name_en: 'A',
      district_id: 'bda',
    });
    const problems = problemsOf(set);
    expect(problems).toContainEqual({ path: 'areas[2].id', reason: 'duplicate id "beiyuan"' });
    expect(problems).toContainEqual({ path: 'areas[2].district_id', reason: 'unknown district "bda"' });
  });
});
