/**
 * Where an event applies (a sand-dust period, a warning): the whole city (no district, no area), a district,
 * or streets/towns of a district. Names go through the same aliases as measurements. A district named alone in
 * the street/town column is read as the whole district (docs/decisions.md); mixed with streets/towns, or
 * contradicting the district column, it is refused with the hint to use the district column.
 */
import type { Refusal } from '../refusal-reasons.js';
import { refuse } from '../refusal-reasons.js';
import { normaliseName, type ReferenceIndex } from '../reference-index.js';

export interface Place {
  districtId: string | null;
  areaIds: string[];
}

/** `areas` may list several streets/towns separated by 、 , ; or |. */
export function resolvePlace(
  ref: ReferenceIndex,
  district: string | null | undefined,
  areas: string | null | undefined,
): Place | Refusal {
  const districtName = district?.trim() || null;
  let districtId: string | null = null;
  if (districtName) {
    districtId = ref.districts.get(normaliseName(districtName)) ?? null;
    if (!districtId) return refuse('UNKNOWN_DISTRICT', districtName);
  }
  const names = (areas ?? '')
    .split(/[、,，;；|]/)
    .map((a) => a.trim())
    .filter(Boolean);
  const areaIds: string[] = [];
  for (const name of names) {
    const found = ref.series.get(normaliseName(name));
    if (found?.kind === 'district') {
      // A district written where a street/town was expected ("通州区" under 街道乡镇): alone, and agreeing
      // with the district column if there is one, it can only mean the whole district.
      if (names.length > 1 || (districtId !== null && found.districtId !== districtId))
        return refuse('DISTRICT_AS_AREA', districtHint(name, districtName, names));
      districtId = found.districtId;
      continue;
    }
    if (!found || found.kind !== 'area' || (districtId && found.districtId !== districtId)) {
      return refuse('UNKNOWN_AREA', `${districtName ?? ''} ${name}`.trim());
    }
    if (districtId === null) districtId = found.districtId;
    else if (found.districtId !== districtId) return refuse('UNKNOWN_AREA', `${name}: not in ${districtId}`);
    if (!areaIds.includes(found.id)) areaIds.push(found.id);
  }
  return { districtId, areaIds };
}

function districtHint(name: string, districtName: string | null, names: readonly string[]): string {
  const why =
    names.length > 1
      ? `${names.join('、')} 混有区名与街道乡镇 (a district among streets/towns)`
      : `与区列“${districtName}”不一致 (differs from the district column)`;
  return `“${name}”是区，请填在“区”列，街道乡镇列留空或只填街道乡镇；${why}`;
}
