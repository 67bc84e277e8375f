/**
 * A street/town page: its targets with their current status and explanation, PM2.5 trends against the
 * district, its monthly place among the district's streets/towns and its city-wide ranks, and open alerts.
 */
import { oneOrNull, type Queryable } from '../../db/queryable.js';
import { NotFoundError } from '../../errors.js';
import { assertAreaReadable, type Principal } from '../../auth/principal.js';
import type { AreaRow } from '../../reference/reference-queries.js';
import { addDays } from '../../time/shanghai.js';
import { sameRangeLastYear } from '../../time/periods.js';
import { listAlerts, type AlertRow } from '../queries/alert-read.js';
import { readScopeDays, readScopeMonths, type Point } from '../queries/measurement-read.js';
import { readCumulativeMeans } from '../queries/overview-read.js';
import {
  listTargetStatuses,
  readCityRanks,
  readDistrictRanks,
  type MonthlyRankRow,
  type TargetStatusRow,
} from '../queries/status-read.js';

export interface AreaSummary {
  area: AreaRow;
  year: number;
  asOf: string;
  pm25: { ytd: number | null; lastYear: number | null; districtYtd: number | null; validDays: number };
  targets: TargetStatusRow[];
  trend: { monthly: { area: Point[]; district: Point[] }; daily: { area: Point[]; district: Point[] } };
  districtRanks: MonthlyRankRow[];
  cityRanks: { metric_id: string; month: string; rank: number; n_ranked: number }[];
  openAlerts: AlertRow[];
}

export function findAreaRow(db: Queryable, id: string): Promise<AreaRow | null> {
  return oneOrNull<AreaRow>(
    db,
    `SELECT id, district_id, name_zh, short_zh, name_en, kind, valid_from::text AS valid_from, valid_to::text AS valid_to, sort_order
       FROM area WHERE id = $1`,
    [id],
  );
}

export async function buildAreaSummary(
  db: Queryable,
  p: Principal,
  q: { areaId: string; year: number; today: string },
): Promise<AreaSummary> {
  const area = await findAreaRow(db, q.areaId);
  if (!area) throw new NotFoundError(`no street/town ${q.areaId}`);
  assertAreaReadable(p, area.id);
  const from = `${q.year}-01-01`;
  const yearEnd = `${q.year}-12-31`;
  const asOf = q.today < yearEnd ? q.today : yearEnd;
  const prev = sameRangeLastYear({ from, to: asOf });
  const recentFrom = addDays(asOf, -29);
  const scope = { metricId: 'pm25', from, to: yearEnd };
  const [
    means,
    targets,
    areaMonths,
    districtMonths,
    areaDays,
    districtDays,
    districtRanks,
    cityRanks,
    openAlerts,
  ] = await Promise.all([
    readCumulativeMeans(db, {
      scopeIds: [area.id, area.district_id],
      metricId: 'pm25',
      from,
      to: asOf,
      prevFrom: prev.from,
      prevTo: prev.to,
    }),
    listTargetStatuses(db, {
      scopeIds: [area.id],
      period: String(q.year),
      targetId: null,
      status: null,
      limit: 500,
    }),
    readScopeMonths(db, { scopeId: area.id, ...scope }),
    readScopeMonths(db, { scopeId: area.district_id, ...scope }),
    readScopeDays(db, { scopeId: area.id, metricId: 'pm25', from: recentFrom, to: asOf }),
    readScopeDays(db, { scopeId: area.district_id, metricId: 'pm25', from: recentFrom, to: asOf }),
    readDistrictRanks(db, {
      districtId: area.district_id,
      areaId: area.id,
      metricId: 'pm25',
      fromMonth: `${q.year}-01`,
      toMonth: `${q.year}-12`,
    }),
    readCityRanks(db, { areaId: area.id, from, to: yearEnd }),
    listAlerts(db, {
      states: ['firing', 'acknowledged'],
      severity: null,
      kind: null,
      areaId: area.id,
      targetId: null,
      beforeId: null,
      limit: 100,
    }),
  ]);
  const m = means.get(area.id);
  return {
    area,
    year: q.year,
    asOf,
    pm25: {
      ytd: m?.ytd ?? null,
      lastYear: m?.prev_ytd ?? null,
      districtYtd: means.get(area.district_id)?.ytd ?? null,
      validDays: m?.valid_days ?? 0,
    },
    targets,
    trend: {
      monthly: { area: areaMonths, district: districtMonths },
      daily: { area: areaDays, district: districtDays },
    },
    districtRanks,
    cityRanks,
    openAlerts,
  };
}
