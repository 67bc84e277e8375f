/**
 * The water page: every section of a district (river, kind, responsible street/town, target class), its class
 * per month with the parameter that decided a month worse than the target, and its target verdicts. A street/
 * town user sees the sections it is responsible for.
 */
import type { Queryable } from '../../db/queryable.js';
import { NotFoundError } from '../../errors.js';
import { assertScopeReadable, confinedArea, type Principal } from '../../auth/principal.js';
import { formatWaterClass, type WaterClass } from '../../standards/index.js';
import { listDistricts } from '../queries/reference-read.js';
import { listTargetStatuses, type TargetStatusRow } from '../queries/status-read.js';
import {
  listWaterSections,
  readSectionMonths,
  type SectionMonthRow,
  type SectionRow,
} from '../queries/water-read.js';

export interface WaterMonth extends SectionMonthRow {
  classZh: string;
  classEn: string;
}

export interface WaterSection extends SectionRow {
  targetClassZh: string | null;
  targetClassEn: string | null;
  months: WaterMonth[];
  verdicts: TargetStatusRow[];
}

export interface WaterSummary {
  district: { id: string; nameZh: string; nameEn: string };
  year: number;
  sections: WaterSection[];
}

const label = (c: number | null, language: 'zh' | 'en') =>
  c === null ? null : formatWaterClass(c as WaterClass, language);

export async function buildWaterSummary(
  db: Queryable,
  p: Principal,
  q: { districtId: string; year: number },
): Promise<WaterSummary> {
  assertScopeReadable(p, { areaId: null, districtId: q.districtId });
  const district = (await listDistricts(db)).find((d) => d.id === q.districtId);
  if (!district) throw new NotFoundError(`no district ${q.districtId}`);
  const sections = await listWaterSections(db, { ...q, areaId: confinedArea(p) });
  const ids = sections.map((s) => s.id);
  const [months, verdicts] = await Promise.all([
    readSectionMonths(db, { siteIds: ids, year: q.year }),
    ids.length === 0
      ? Promise.resolve([])
      : listTargetStatuses(db, {
          scopeIds: ids,
          period: String(q.year),
          targetId: null,
          status: null,
          limit: 2000,
        }),
  ]);
  return {
    district: { id: district.id, nameZh: district.name_zh, nameEn: district.name_en },
    year: q.year,
    sections: sections.map((s) => ({
      ...s,
      targetClassZh: label(s.target_class, 'zh'),
      targetClassEn: label(s.target_class, 'en'),
      months: months
        .filter((m) => m.site_id === s.id)
        .map((m) => ({ ...m, classZh: label(m.water_class, 'zh')!, classEn: label(m.water_class, 'en')! })),
      verdicts: verdicts.filter((v) => v.scope_id === s.id),
    })),
  };
}
