/**
 * The scopes a target can cover — districts, streets/towns (with validity periods: five Tongzhou streets
 * first appear in 2021, 001:35) and water sections (with their target class per year) — read once per
 * evaluation run, so resolving "各街道乡镇" for hundreds of targets costs no queries.
 */
import type { Queryable } from '../db/queryable.js';
import type { Period } from '../time/periods.js';
import type { TargetDefinition } from './target-definition.js';

export interface AreaInfo {
  id: string;
  districtId: string;
  nameZh: string;
  nameEn: string;
  validFrom: string;
  validTo: string | null;
}

export interface WaterTargetInfo {
  targetClass: number;
  overrides: Record<string, { min?: number; max?: number }>;
  source: string;
}

export interface SectionInfo {
  id: string;
  districtId: string;
  areaId: string | null;
  nameZh: string;
  nameEn: string;
  kinds: string[];
  waterbody: 'river' | 'lake';
  validFrom: string;
  validTo: string | null;
  targets: Map<number, WaterTargetInfo>;
}

export class ScopeIndex {
  constructor(
    readonly districts: Map<string, { nameZh: string; nameEn: string }>,
    readonly areas: Map<string, AreaInfo>,
    readonly sections: Map<string, SectionInfo>,
  ) {}

  /** The district, area or water section a scope id names (an unknown id is shown as itself). */
  private named(scopeId: string): { nameZh: string; nameEn: string } | undefined {
    return this.districts.get(scopeId) ?? this.areas.get(scopeId) ?? this.sections.get(scopeId);
  }

  nameZh(scopeId: string): string {
    return this.named(scopeId)?.nameZh ?? scopeId;
  }

  nameEn(scopeId: string): string {
    return this.named(scopeId)?.nameEn ?? scopeId;
  }

  /** The district a scope belongs to (a district is its own). */
  districtOf(scopeId: string): string | null {
    if (this.districts.has(scopeId)) return scopeId;
    return this.areas.get(scopeId)?.districtId ?? this.sections.get(scopeId)?.districtId ?? null;
  }

  /** The scopes a target covers in a period, in a stable order (areas by their reference sort order). */
  resolve(def: TargetDefinition, district: string, period: Period): string[] {
    const overlaps = (from: string, to: string | null) =>
      from <= period.to && (to === null || to >= period.from);
    switch (def.scope.kind) {
      case 'district':
        return [district];
      case 'areas':
      case 'sections':
        return [...def.scope.ids];
      case 'each_area': {
        const only = def.scope.ids.length > 0 ? new Set(def.scope.ids) : null;
        return [...this.areas.values()]
          .filter(
            (a) => a.districtId === district && overlaps(a.validFrom, a.validTo) && (!only || only.has(a.id)),
          )
          .map((a) => a.id);
      }
      case 'each_section': {
        const kinds = new Set<string>(def.scope.section_kinds ?? []);
        return [...this.sections.values()]
          .filter(
            (s) =>
              s.districtId === district &&
              overlaps(s.validFrom, s.validTo) &&
              (kinds.size === 0 || s.kinds.some((k) => kinds.has(k))) &&
              (!def.scope.with_water_target || s.targets.has(period.year)),
          )
          .map((s) => s.id);
      }
    }
  }
}

export async function loadScopeIndex(db: Queryable): Promise<ScopeIndex> {
  // Sequential on purpose: the caller may pass one transaction's client.
  const districts = await db.query<{ id: string; name_zh: string; name_en: string }>(
    `SELECT id, name_zh, name_en FROM district`,
  );
  const areas = await db.query<{
    id: string;
    district_id: string;
    short_zh: string;
    name_en: string;
    valid_from: string;
    valid_to: string | null;
  }>(
    `SELECT id, district_id, short_zh, name_en, valid_from::text, valid_to::text FROM area ORDER BY sort_order, id`,
  );
  const sections = await db.query<{
    id: string;
    district_id: string;
    area_id: string | null;
    name_zh: string;
    name_en: string;
    section_kinds: string[];
    waterbody: 'river' | 'lake' | null;
    valid_from: string;
    valid_to: string | null;
  }>(
    `SELECT id, district_id, area_id, name_zh, name_en, section_kinds, waterbody, valid_from::text, valid_to::text
         FROM site WHERE kind = 'water_section' ORDER BY id`,
  );
  const targets = await db.query<{
    site_id: string;
    year: number;
    target_class: number;
    overrides: WaterTargetInfo['overrides'];
    source: string;
  }>(`SELECT site_id, year, target_class, overrides, source FROM site_water_target`);
  const sectionMap = new Map<string, SectionInfo>();
  for (const s of sections.rows) {
    sectionMap.set(s.id, {
      id: s.id,
      districtId: s.district_id,
      areaId: s.area_id,
      nameZh: s.name_zh,
      nameEn: s.name_en,
      kinds: s.section_kinds,
      waterbody: s.waterbody ?? 'river',
      validFrom: s.valid_from,
      validTo: s.valid_to,
      targets: new Map(),
    });
  }
  for (const t of targets.rows) {
    sectionMap
      .get(t.site_id)
      ?.targets.set(t.year, { targetClass: t.target_class, overrides: t.overrides, source: t.source });
  }
  return new ScopeIndex(
    new Map(districts.rows.map((d) => [d.id, { nameZh: d.name_zh, nameEn: d.name_en }])),
    new Map(
      areas.rows.map((a) => [
        a.id,
        {
          id: a.id,
          districtId: a.district_id,
          nameZh: a.short_zh,
          nameEn: a.name_en,
          validFrom: a.valid_from,
          validTo: a.valid_to,
        },
      ]),
    ),
    sectionMap,
  );
}
