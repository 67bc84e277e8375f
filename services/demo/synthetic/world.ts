/**
 * What the generator needs to know about the real reference data: the streets/towns, the air stations that
 * already exist, the water sections with their target classes. Taken from the loaded reference set, so the
 * demo follows config/reference/*.yaml instead of keeping a second list of areas.
 */
import type { ReferenceSet } from '../../reference/reference-schema.js';

export interface WorldArea {
  id: string;
  districtId: string;
  nameZh: string;
  shortZh: string;
  kind: 'street' | 'town' | 'township';
  validFrom: string;
  validTo: string | null;
  /**
   * How much worse than the district level the area runs, µg/m³. Tongzhou follows the 2021 tiering
   * (001:35: 0 / +2 / +3 / +4 for the south-eastern towns); BDA has no tiering (action-plans.md §1.3).
   */
  pm25Offset: number;
}

export interface WorldSection {
  id: string;
  nameZh: string;
  areaId: string | null;
  waterbody: 'river' | 'lake';
  sectionKinds: string[];
  /** Target class by plan year, as config/reference/sites-water.yaml gives them. */
  targets: { year: number; targetClass: number }[];
}

export interface DemoWorld {
  areas: WorldArea[];
  /** Ids of air stations already in the reference data (the generator adds the others). */
  airStationIds: Set<string>;
  sections: WorldSection[];
}

/** 2021 tier offsets (001:35); areas not named there (BDA) get their own small offsets. */
const TIER_OFFSET: Record<string, number> = {
  wenjing: 2,
  liyuan: 2,
  majuqiao: 2,
  zhangjiawan: 2,
  huoxian: 3,
  yujiawu: 3,
  xiji: 3,
  yongledian: 4,
  // BDA: industrial south-east of the city, close to Tongzhou's level; the towns a little worse.
  ronghua: 0.5,
  boxing: 0.5,
  yizhuang: 1,
  yinghai: 1.5,
};

/** Streets of the old town (the 2020 tier-0 list, 000:2024) run a little cleaner than the district. */
const CORE_STREETS = new Set(['beiyuan', 'zhongcang', 'yuqiao', 'xinhua', 'luyuan', 'tongyun']);

export function worldFromReference(set: ReferenceSet): DemoWorld {
  const areas: WorldArea[] = set.areas.map((a) => ({
    id: a.id,
    districtId: a.district_id,
    nameZh: a.name_zh,
    shortZh: a.short_zh,
    kind: a.kind,
    validFrom: a.valid_from,
    validTo: a.valid_to,
    pm25Offset: TIER_OFFSET[a.id] ?? (CORE_STREETS.has(a.id) ? -1 : 0),
  }));
  const sections: WorldSection[] = set.sites
    .filter((s) => s.kind === 'water_section')
    .map((s) => ({
      id: s.id,
      nameZh: s.name_zh,
      areaId: s.area_id,
      waterbody: s.waterbody ?? 'river',
      sectionKinds: [...s.section_kinds],
      targets: s.water_targets.map((t) => ({ year: t.year, targetClass: t.target_class })),
    }));
  return {
    areas,
    airStationIds: new Set(set.sites.filter((s) => s.kind === 'air_station').map((s) => s.id)),
    sections,
  };
}

/** Areas that exist for the whole of `year` (a unit founded mid-year would have no baseline). */
export function areasValidIn(world: DemoWorld, year: number): WorldArea[] {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  return world.areas.filter((a) => a.validFrom <= from && (a.validTo === null || a.validTo >= to));
}

/**
 * The class a section is held to in `year`: the target for that year, else the latest earlier one, else
 * Ⅴ — the class the plans most often ask of Tongzhou's rivers (000:3530).
 */
export function targetClassFor(section: WorldSection, year: number): number {
  const earlier = section.targets.filter((t) => t.year <= year).sort((a, b) => b.year - a.year);
  const exact = section.targets.find((t) => t.year === year);
  return exact?.targetClass ?? earlier[0]?.targetClass ?? 5;
}
