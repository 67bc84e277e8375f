/**
 * Where an event applies (a sand-dust period, a warning): the whole city (no district, no area), a district,
 * or streets/towns of a district. Names go through the same aliases as measurements.
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
    if (!found || found.kind !== 'area' || (districtId && found.districtId !== districtId)) {
      return refuse('UNKNOWN_AREA', `${districtName ?? ''} ${name}`.trim());
    }
    if (districtId === null) districtId = found.districtId;
    else if (found.districtId !== districtId) return refuse('UNKNOWN_AREA', `${name}: not in ${districtId}`);
    if (!areaIds.includes(found.id)) areaIds.push(found.id);
  }
  return { districtId, areaIds };
}
