/**
 * The district overview (API and dashboard): YTD PM2.5 of the district against its plan target, heavy-
 * pollution days, and one tile per street/town with its YTD PM2.5, the change on the same period last year
 * (同比, 002:2399) and the worst current target status. Area users see their own tile only.
 */
import type { Queryable } from '../../db/queryable.js';
import { NotFoundError } from '../../errors.js';
import { confinedArea, assertScopeReadable, type Principal } from '../../auth/principal.js';
import { listAreas } from '../../reference/reference-queries.js';
import { headlineTargetsFor } from '../../reports/headline-targets.js';
import { sameRangeLastYear } from '../../time/periods.js';
import {
  readCumulativeMeans,
  readHeavyPollutionDays,
  readOpenAlertCounts,
  readStatusSummaries,
  type StatusSummary,
} from '../queries/overview-read.js';
import { listDistricts } from '../queries/reference-read.js';
import { TtlCache } from './ttl-cache.js';

export type TileStatus = 'breached' | 'at_risk' | 'insufficient_data' | 'met' | 'none';

export interface AreaTile {
  id: string;
  nameZh: string;
  shortZh: string;
  nameEn: string;
  kind: string;
  pm25Ytd: number | null;
  pm25LastYear: number | null;
  changePct: number | null;
  validDays: number;
  status: TileStatus;
  statusCounts: Omit<StatusSummary, 'scope_id'>;
  openAlerts: number;
}

export interface Overview {
  district: { id: string; nameZh: string; nameEn: string };
  year: number;
  from: string;
  asOf: string;
  pm25: {
    ytd: number | null;
    lastYear: number | null;
    changePct: number | null;
    validDays: number;
    target: number | null;
    dataVersion: 'provisional' | 'audited' | null;
  };
  /** The worst current status among the district-level targets. */
  districtStatus: TileStatus;
  heavyDays: { count: number; excludingSandDust: number; target: number | null; days: string[] };
  targetSource: string | null;
  areas: AreaTile[];
}

/** The worst status wins the tile's colour; missing data is shown as such, never as green. */
export function worstStatus(c: Omit<StatusSummary, 'scope_id'> | undefined): TileStatus {
  if (!c) return 'none';
  if (c.breached > 0) return 'breached';
  if (c.at_risk > 0) return 'at_risk';
  if (c.insufficient_data > 0) return 'insufficient_data';
  if (c.met > 0) return 'met';
  return 'none';
}

const change = (now: number | null, before: number | null) =>
  now !== null && before !== null && before > 0 ? ((now - before) / before) * 100 : null;

const EMPTY = { breached: 0, at_risk: 0, insufficient_data: 0, met: 0 };

/**
 * Everything the overview shows moves at the pace of the rollups and evaluations (an ingest, then a refresh),
 * not per request, while the dashboard's first page is what everyone opens: so it is computed once per
 * (district, year, day, visible scopes) and kept OVERVIEW_TTL_MS. A figure is at most that much behind the
 * rollups (docs/decisions.md). One cache per pool, i.e. per database.
 */
export const OVERVIEW_TTL_MS = 30_000;
const caches = new WeakMap<Queryable, TtlCache<Overview>>();

export function buildOverview(
  db: Queryable,
  p: Principal,
  q: { districtId: string; year: number; today: string },
): Promise<Overview> {
  assertScopeReadable(p, { areaId: null, districtId: q.districtId });
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new TtlCache<Overview>(OVERVIEW_TTL_MS)));
  return cache.get(`${q.districtId}|${q.year}|${q.today}|${confinedArea(p) ?? '*'}`, () =>
    computeOverview(db, p, q),
  );
}

/** The overview without the cache (bench:api times it; callers use buildOverview). */
export async function computeOverview(
  db: Queryable,
  p: Principal,
  q: { districtId: string; year: number; today: string },
): Promise<Overview> {
  const district = (await listDistricts(db)).find((d) => d.id === q.districtId);
  if (!district) throw new NotFoundError(`no district ${q.districtId}`);
  const from = `${q.year}-01-01`;
  const yearEnd = `${q.year}-12-31`;
  const asOf = q.today < yearEnd ? q.today : yearEnd;
  const prev = sameRangeLastYear({ from, to: asOf });
  const own = confinedArea(p);
  const areas = (await listAreas(db, { district: q.districtId, asOf: asOf < from ? from : asOf })).filter(
    (a) => !own || a.id === own,
  );
  const scopeIds = [q.districtId, ...areas.map((a) => a.id)];
  const [means, heavy, statuses, alerts] = await Promise.all([
    readCumulativeMeans(db, {
      scopeIds,
      metricId: 'pm25',
      from,
      to: asOf,
      prevFrom: prev.from,
      prevTo: prev.to,
    }),
    readHeavyPollutionDays(db, { scopeId: q.districtId, districtId: q.districtId, from, to: asOf }),
    readStatusSummaries(db, { scopeIds, year: q.year }),
    readOpenAlertCounts(db, scopeIds),
  ]);
  const targets = headlineTargetsFor(q.districtId, q.year);
  const d = means.get(q.districtId);
  const tiles: AreaTile[] = areas.map((a) => {
    const m = means.get(a.id);
    const s = statuses.get(a.id);
    const { scope_id: _ignored, ...counts } = s ?? { scope_id: a.id, ...EMPTY };
    return {
      id: a.id,
      nameZh: a.name_zh,
      shortZh: a.short_zh,
      nameEn: a.name_en,
      kind: a.kind,
      pm25Ytd: m?.ytd ?? null,
      pm25LastYear: m?.prev_ytd ?? null,
      changePct: change(m?.ytd ?? null, m?.prev_ytd ?? null),
      validDays: m?.valid_days ?? 0,
      status: worstStatus(s),
      statusCounts: counts,
      openAlerts: alerts.get(a.id) ?? 0,
    };
  });
  return {
    district: { id: district.id, nameZh: district.name_zh, nameEn: district.name_en },
    year: q.year,
    from,
    asOf,
    pm25: {
      ytd: d?.ytd ?? null,
      lastYear: d?.prev_ytd ?? null,
      changePct: change(d?.ytd ?? null, d?.prev_ytd ?? null),
      validDays: d?.valid_days ?? 0,
      target: targets?.pm25Year ?? null,
      dataVersion: d?.min_version == null ? null : d.min_version >= 1 ? 'audited' : 'provisional',
    },
    districtStatus: worstStatus(statuses.get(q.districtId)),
    heavyDays: {
      count: heavy.days.length,
      excludingSandDust: heavy.days.length - heavy.sand_dust_days.length,
      target: targets?.heavyDaysYear ?? null,
      days: heavy.days,
    },
    targetSource: targets?.source ?? null,
    areas: tiles,
  };
}
