/**
 * The shape of the reference files in `config/reference/` (one schema per kind, mirroring the tables of
 * migrations/0001_reference_data.sql) and the checks that span files: ids that must exist elsewhere, aliases
 * that must be unique across a kind. The checks collect every problem before throwing, so whoever edits the
 * YAML fixes it in one round.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { NameIndex, normaliseName } from './name-index.js';

/** The SQL CHECK on every reference id: `id ~ '^[a-z][a-z0-9_]*$'`. */
export const ID_PATTERN = /^[a-z][a-z0-9_]*$/;

const id = z.string().regex(ID_PATTERN, 'ids are lower-case letters, digits and _, starting with a letter');
const text = z.string().trim().min(1);
/** Optional columns come out as `null`, like the database gives them back. */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? null);
const day = z.iso.date();
const aliases = z.array(text).default([]);

export const AREA_KINDS = ['street', 'town', 'township'] as const;
export const RESOLUTIONS = ['hour', 'day', 'month', 'sample'] as const;
// reported: numbers a responsible unit reports by hand with its monthly progress (metrics-reported.yaml).
export const METRIC_DOMAINS = ['air', 'dust', 'water', 'rank', 'land', 'reported'] as const;
export const SITE_KINDS = ['air_station', 'dust_fall_site', 'water_section'] as const;
export const STATION_LEVELS = ['national', 'municipal', 'district', 'micro'] as const;
/** See config/reference/sites-water.yaml for what each kind means and where the plans use it. */
export const SECTION_KINDS = [
  'assessment',
  'boundary',
  'transboundary',
  'town_outflow',
  'main_river_inflow',
  'key_waterbody',
] as const;
export const UNIT_KINDS = ['department', 'area', 'collective', 'command', 'leadership'] as const;
export const EXPANSIONS = ['area_of_scope', 'all_areas', 'members'] as const;
/** The site table's default: "no known start". Written explicitly so that a re-seed is deterministic. */
export const SITE_VALID_FROM_DEFAULT = '2000-01-01';

export const districtSchema = z.strictObject({
  id,
  name_zh: text,
  name_en: text,
  sort_order: z.int().default(0),
});

export const areaSchema = z
  .strictObject({
    id,
    district_id: id,
    name_zh: text,
    short_zh: text,
    name_en: text,
    kind: z.enum(AREA_KINDS),
    valid_from: day,
    valid_to: optional(day),
    sort_order: z.int().default(0),
    aliases,
  })
  .refine((a) => a.valid_to === null || a.valid_to >= a.valid_from, {
    path: ['valid_to'],
    message: 'valid_to is before valid_from',
  });

export const metricSchema = z
  .strictObject({
    id,
    name_zh: text,
    name_en: text,
    unit: text,
    unit_zh: text,
    resolution: z.enum(RESOLUTIONS),
    domain: z.enum(METRIC_DOMAINS),
    better: z.enum(['lower', 'higher']),
    decimals: z.int().min(0).max(8).default(1),
    unit_conversions: z.record(text, z.number().positive()).default({}),
    plausible_min: optional(z.number()),
    plausible_max: optional(z.number()),
  })
  .refine((m) => m.plausible_min === null || m.plausible_max === null || m.plausible_min <= m.plausible_max, {
    path: ['plausible_max'],
    message: 'plausible_max is below plausible_min',
  })
  .refine((m) => m.unit_conversions[m.unit] === undefined || m.unit_conversions[m.unit] === 1, {
    path: ['unit_conversions'],
    message: 'the canonical unit converts to itself with factor 1',
  });

const limit = z
  .strictObject({ min: z.number().optional(), max: z.number().optional() })
  .refine((l) => l.min !== undefined || l.max !== undefined, 'an override needs min or max');

export const waterTargetSchema = z.strictObject({
  year: z.int().min(2000).max(2100),
  target_class: z.int().min(1).max(6), // 6 = 劣Ⅴ
  overrides: z.record(id, limit).default({}), // keyed by water metric id, e.g. { nh3n: { max: 4 } }
  source: text,
});

export const siteSchema = z
  .strictObject({
    id,
    kind: z.enum(SITE_KINDS),
    name_zh: text,
    name_en: text,
    district_id: id,
    area_id: optional(id),
    station_level: optional(z.enum(STATION_LEVELS)),
    river_zh: optional(text),
    river_en: optional(text),
    section_kinds: z.array(z.enum(SECTION_KINDS)).default([]),
    waterbody: optional(z.enum(['river', 'lake'])),
    is_example: z.boolean().default(false),
    note: optional(text),
    latitude: optional(z.number().min(-90).max(90)),
    longitude: optional(z.number().min(-180).max(180)),
    valid_from: day.default(SITE_VALID_FROM_DEFAULT),
    valid_to: optional(day),
    aliases,
    water_targets: z.array(waterTargetSchema).default([]),
  })
  .superRefine((s, ctx) => {
    const water = s.kind === 'water_section';
    const waterOnly = { section_kinds: s.section_kinds.length > 0, waterbody: s.waterbody !== null };
    for (const [field, set] of Object.entries(waterOnly)) {
      if (set && !water)
        ctx.addIssue({ code: 'custom', path: [field], message: `only water sections have ${field}` });
    }
    if (s.water_targets.length > 0 && !water) {
      ctx.addIssue({
        code: 'custom',
        path: ['water_targets'],
        message: 'only water sections have water targets',
      });
    }
    // An example site must say why it is one, so nobody mistakes it for a station the plans name.
    if (s.is_example && s.note === null) {
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'an example site needs a note saying why' });
    }
    const years = s.water_targets.map((t) => t.year);
    years.forEach((y, i) => {
      if (years.indexOf(y) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['water_targets', i, 'year'],
          message: `a second target for ${y}`,
        });
      }
    });
    if (s.valid_to !== null && s.valid_to < s.valid_from) {
      ctx.addIssue({ code: 'custom', path: ['valid_to'], message: 'valid_to is before valid_from' });
    }
  });

export const unitSchema = z
  .strictObject({
    id,
    name_zh: text,
    name_en: text,
    kind: z.enum(UNIT_KINDS),
    district_id: optional(id),
    area_id: optional(id),
    expands_to: optional(z.enum(EXPANSIONS)),
    members: z.array(id).default([]),
    aliases,
  })
  .superRefine((u, ctx) => {
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if ((u.kind === 'area') !== (u.area_id !== null))
      problem('area_id', 'area_id is set exactly for kind area');
    const expandable = u.kind === 'collective' || u.kind === 'command';
    if (u.expands_to !== null && !expandable) problem('expands_to', `a ${u.kind} unit does not expand`);
    if ((u.expands_to === 'members') !== u.members.length > 0) {
      problem('members', 'members are listed exactly when expands_to is members');
    }
  });

export const officialSchema = z.strictObject({
  id,
  name_zh: text,
  name_en: text,
  role_zh: optional(text),
  role_en: optional(text),
  years: z.array(z.int().min(2000).max(2100)).default([]),
  source: optional(text),
});

export type District = z.output<typeof districtSchema>;
export type Area = z.output<typeof areaSchema>;
export type Metric = z.output<typeof metricSchema>;
export type WaterTarget = z.output<typeof waterTargetSchema>;
export type Site = z.output<typeof siteSchema>;
export type Unit = z.output<typeof unitSchema>;
export type Official = z.output<typeof officialSchema>;

export const REFERENCE_KINDS = {
  districts: districtSchema,
  areas: areaSchema,
  metrics: metricSchema,
  sites: siteSchema,
  units: unitSchema,
  officials: officialSchema,
} as const;
export type ReferenceKind = keyof typeof REFERENCE_KINDS;

export interface ReferenceSet {
  districts: District[];
  areas: Area[];
  metrics: Metric[];
  sites: Site[];
  units: Unit[];
  officials: Official[];
  /** Where each entry came from ("units-bda.yaml: units[3]"), for error messages; filled by the loader. */
  origin?: WeakMap<object, string>;
}

export interface Problem {
  path: string;
  reason: string;
}

/** Every name an entry answers to: its names are aliases too, so feeds can use either. */
export function namesOf(entry: {
  name_zh: string;
  name_en: string;
  aliases: string[];
  short_zh?: string;
}): string[] {
  const all = [entry.name_zh, entry.short_zh, entry.name_en, ...entry.aliases].filter(
    (n): n is string => n !== undefined,
  );
  const seen = new Set<string>();
  return all.filter((n) => {
    const key = normaliseName(n);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The checks that span entries and files. Throws one ValidationError listing every problem; returns
 * nothing when the set is consistent.
 */
export function validateReferenceSet(set: ReferenceSet): void {
  const problems: Problem[] = [];
  const where = (kind: ReferenceKind, entry: object, index: number, field?: string): string => {
    const base = set.origin?.get(entry) ?? `${kind}[${index}]`;
    return field === undefined ? base : `${base}.${field}`;
  };
  const report = (path: string, reason: string) => problems.push({ path, reason });

  const ids = {} as Record<ReferenceKind, Map<string, object>>;
  for (const kind of Object.keys(REFERENCE_KINDS) as ReferenceKind[]) {
    ids[kind] = new Map();
    set[kind].forEach((entry, i) => {
      if (ids[kind].has(entry.id)) report(where(kind, entry, i, 'id'), `duplicate id "${entry.id}"`);
      else ids[kind].set(entry.id, entry);
    });
  }
  const areaById = ids.areas as Map<string, Area>;
  const unitById = ids.units as Map<string, Unit>;
  const metricById = ids.metrics as Map<string, Metric>;
  const needDistrict = (kind: ReferenceKind, entry: object, i: number, districtId: string | null) => {
    if (districtId !== null && !ids.districts.has(districtId)) {
      report(where(kind, entry, i, 'district_id'), `unknown district "${districtId}"`);
    }
  };
  const needArea = (
    kind: ReferenceKind,
    entry: object,
    i: number,
    areaId: string | null,
    districtId: string | null,
  ) => {
    if (areaId === null) return;
    const area = areaById.get(areaId);
    if (area === undefined) report(where(kind, entry, i, 'area_id'), `unknown area "${areaId}"`);
    else if (districtId !== null && area.district_id !== districtId) {
      report(
        where(kind, entry, i, 'area_id'),
        `area "${areaId}" is in ${area.district_id}, not ${districtId}`,
      );
    }
  };
  const checkAliases = (kind: 'areas' | 'sites' | 'units', entries: (Area | Site | Unit)[]) => {
    const index = new NameIndex(entries.map((e) => ({ id: e.id, names: [] }))); // ids first: an alias can't take one
    entries.forEach((entry, i) => {
      for (const clash of index.add(entry.id, namesOf(entry))) {
        const owner = index.resolve(clash);
        report(where(kind, entry, i, 'aliases'), `"${clash}" already names ${kind} "${owner}"`);
      }
    });
  };

  set.areas.forEach((a, i) => needDistrict('areas', a, i, a.district_id));
  checkAliases('areas', set.areas);

  set.sites.forEach((s, i) => {
    needDistrict('sites', s, i, s.district_id);
    needArea('sites', s, i, s.area_id, s.district_id);
    s.water_targets.forEach((t, j) => {
      for (const metricId of Object.keys(t.overrides)) {
        const metric = metricById.get(metricId);
        if (metric?.domain !== 'water') {
          report(
            where('sites', s, i, `water_targets[${j}].overrides.${metricId}`),
            `"${metricId}" is no water metric`,
          );
        }
      }
    });
  });
  checkAliases('sites', set.sites);

  const governments = new Map<string, string[]>();
  set.units.forEach((u, i) => {
    needDistrict('units', u, i, u.district_id);
    needArea('units', u, i, u.area_id, u.district_id);
    if (u.area_id !== null) governments.set(u.area_id, [...(governments.get(u.area_id) ?? []), u.id]);
    u.members.forEach((m, j) => {
      const member = unitById.get(m);
      const path = where('units', u, i, `members[${j}]`);
      if (member === undefined) report(path, `unknown unit "${m}"`);
      // One expansion step must reach people: a member that expands again would need a recursive router.
      else if (member.kind !== 'department' && member.kind !== 'area')
        report(path, `"${m}" is a ${member.kind} unit`);
    });
  });
  checkAliases('units', set.units);
  // Every street/town needs its government unit: "各街道乡镇" alerts are routed through it.
  set.areas.forEach((a, i) => {
    const govs = governments.get(a.id) ?? [];
    if (govs.length !== 1)
      report(where('areas', a, i), `${govs.length} government units (kind area) instead of 1`);
  });

  if (problems.length > 0) throw referenceError(problems);
}

export function referenceError(problems: Problem[], subject = 'reference data'): ValidationError {
  const lines = problems.map((p) => `  - ${p.path}: ${p.reason}`).join('\n');
  return new ValidationError(`${subject} has ${problems.length} problem(s):\n${lines}`, problems);
}
