import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../services/errors.js';
import { loadContacts, parseContacts } from '../../services/reference/load-contacts.js';
import { loadReferenceSet } from '../../services/reference/load-reference.js';
import { minimalReferenceSet } from './minimal-set.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('the example contact directory', () => {
  it('reaches every street/town government, the eco-environment bureau, every 2024 official and the leadership', async () => {
    const set = await loadReferenceSet(path.join(ROOT, 'config/reference'));
    const contacts = await loadContacts(path.join(ROOT, 'config/contacts.example.yaml'), set);
    const units = new Set(contacts.map((c) => c.unit_id));
    for (const gov of set.units.filter((u) => u.kind === 'area'))
      expect([gov.id, units.has(gov.id)]).toEqual([gov.id, true]);
    expect(units.has('eeb')).toBe(true);
    const officials = new Set(contacts.map((c) => c.official_id));
    for (const o of set.officials.filter((o) => o.years.includes(2024))) {
      expect([o.id, officials.has(o.id)]).toEqual([o.id, true]);
    }
    expect(contacts.filter((c) => c.is_district_leadership).length).toBeGreaterThan(0);
  });

  it('uses only fake addresses and numbers', async () => {
    const set = await loadReferenceSet(path.join(ROOT, 'config/reference'));
    for (const c of await loadContacts(path.join(ROOT, 'config/contacts.example.yaml'), set)) {
      if (c.email !== null) expect(c.email).toMatch(/@example\.gov\.cn$/);
      if (c.mobile !== null) expect(c.mobile).toMatch(/^\+861380000\d{4}$/);
    }
  });
});

describe('parseContacts', () => {
  it('resolves a unit alias and an official name, normalises the mobile and splits quiet hours and years', () => {
    const [c] = parseContacts(
      `contacts:
  - { id: eeb.air, name_zh: 甲, unit: 生态环境局, official: 姚伟龙, role: 科长, mobile: 138-0000-0001,
      quiet_hours: '22:00-07:00', years: 2020-2021 }`,
      minimalReferenceSet(),
    );
    expect(c).toEqual({
      id: 'eeb.air',
      name_zh: '甲',
      name_en: null,
      unit_id: 'eeb',
      official_id: 'yao_weilong',
      role: '科长',
      email: null,
      mobile: '+8613800000001',
      locale: 'zh-CN',
      quiet_from: '22:00',
      quiet_to: '07:00',
      year_from: 2020,
      year_to: 2021,
      is_district_leadership: false,
    });
  });

  it('reads "2024-" as open-ended and 2024 as that year only', () => {
    const contacts = parseContacts(
      `contacts:
  - { id: a, name_zh: 甲, unit: eeb, role: r, email: a@example.gov.cn, years: 2024- }
  - { id: b, name_zh: 乙, unit: eeb, role: r, email: b@example.gov.cn, years: 2024 }`,
      minimalReferenceSet(),
    );
    expect(contacts.map((c) => [c.year_from, c.year_to])).toEqual([
      [2024, null],
      [2024, 2024],
    ]);
  });

  it('refuses every bad entry at once', () => {
    const text = `contacts:
  - { id: a, name_zh: 甲, unit: 区水务局, role: r, email: a@example.gov.cn, years: 2024- }
  - { id: b, name_zh: 乙, unit: eeb, role: r, years: 2024- }
  - { id: c, name_zh: 丙, official: nobody, role: r, mobile: '12345', quiet_hours: '25:00-07:00', years: 2024- }
  - { id: a, name_zh: 丁, unit: eeb, role: r, email: d@example.gov.cn, years: 2021-2020 }`;
    let details: { path?: string; reason?: string }[] = [];
    try {
      parseContacts(text, minimalReferenceSet(), 'contacts.yaml');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      details = (err as ValidationError).details;
    }
    expect(details.map((d) => d.path)).toEqual([
      'contacts.yaml: contacts[0].unit',
      'contacts.yaml: contacts[1]',
      'contacts.yaml: contacts[2].mobile',
      'contacts.yaml: contacts[2].quiet_hours',
      'contacts.yaml: contacts[3].years',
    ]);
  });

  it('treats a missing file as an empty directory', async () => {
    expect(
      await loadContacts(path.join(ROOT, 'config/no-such-contacts.yaml'), minimalReferenceSet()),
    ).toEqual([]);
  });
});
