/**
 * The district page (the bureau's home): every district-level target with its verdict and, for an annual mean,
 * what the rest of the year must average to still meet it; PM2.5 by month this year against last year and the
 * target; heavy-pollution days; its streets/towns ranked on the latest month and the year to date.
 */
import type { Queryable } from '../../db/queryable.js';
import { assertScopeReadable, confinedArea, type Principal } from '../../auth/principal.js';
import { daysBetween, daysInYear } from '../../time/shanghai.js';
import { readScopeMonths, type Point } from '../queries/measurement-read.js';
import { listTargetStatuses, type TargetStatusRow } from '../queries/status-read.js';
import { readAreaMonthRanking, readLatestRankedMonth, type AreaMonthRank } from '../queries/district-read.js';
import { buildOverview, OVERVIEW_TTL_MS, type Overview } from './overview.js';
import { TtlCache } from './ttl-cache.js';

/**
 * Metrics judged on an annual arithmetic mean (docs/decisions.md "district page projection"): for these the
 * required mean of the remaining days is well defined; percentiles (O3, CO) and counts are not projected.
 */
export const PROJECTED_METRICS: readonly string[] = ['pm25', 'pm10', 'no2', 'so2'];

export interface Projection {
  remainingDays: number;
  /** The mean the remaining days may not exceed; null when the year is over. */
  requiredMean: number | null;
  /** Already out of reach even at zero for the rest of the year. */
  unreachable: boolean;
}

export interface DistrictTarget extends TargetStatusRow {
  projection: Projection | null;
}

export interface DistrictSummary {
  overview: Overview;
  targets: DistrictTarget[];
  months: { thisYear: Point[]; lastYear: Point[] };
  ranking: { month: string | null; monthly: AreaMonthRank[] };
}

/**
 * Mean over the whole year ≤ threshold ⇔ remaining mean ≤ (threshold·N − ytd·elapsed) / remaining, with
 * elapsed counted in calendar days (missing days are assumed to be like the measured ones).
 */
export function projectAnnualMean(
  value: number | null,
  threshold: number | null,
  year: number,
  asOf: string,
): Projection | null {
  if (value === null || threshold === null) return null;
  const total = daysInYear(year);
  const elapsed = Math.min(total, daysBetween(`${year}-01-01`, asOf) + 1);
  const remaining = total - elapsed;
  if (remaining <= 0) return { remainingDays: 0, requiredMean: null, unreachable: value > threshold };
  const required = (threshold * total - value * elapsed) / remaining;
  return { remainingDays: remaining, requiredMean: Math.max(0, required), unreachable: required < 0 };
}

const caches = new WeakMap<Queryable, TtlCache<DistrictSummary>>();

/**
 * The district page's data, kept as long as the overview it embeds (OVERVIEW_TTL_MS): bench:api found the
 * page 16× a health check with one request in flight — five queries per visit, while the figures change only
 * when an evaluation runs. Access is checked before the cache is asked; the key holds the principal's
 * confinement like the overview's.
 */
export function buildDistrictSummary(
  db: Queryable,
  p: Principal,
  q: { districtId: string; year: number; today: string },
): Promise<DistrictSummary> {
  assertScopeReadable(p, { areaId: null, districtId: q.districtId });
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new TtlCache<DistrictSummary>(OVERVIEW_TTL_MS)));
  return cache.get(`${q.districtId}|${q.year}|${q.today}|${confinedArea(p) ?? '*'}`, () =>
    computeDistrictSummary(db, p, q),
  );
}

async function computeDistrictSummary(
  db: Queryable,
  p: Principal,
  q: { districtId: string; year: number; today: string },
): Promise<DistrictSummary> {
  const overview = await buildOverview(db, p, q);
  const asOfMonth = overview.asOf.slice(0, 7);
  const [statuses, thisYear, lastYear, month] = await Promise.all([
    listTargetStatuses(db, {
      scopeIds: [q.districtId],
      period: String(q.year),
      targetId: null,
      status: null,
      limit: 500,
    }),
    readScopeMonths(db, {
      scopeId: q.districtId,
      metricId: 'pm25',
      from: `${q.year}-01-01`,
      to: `${q.year}-12-31`,
    }),
    readScopeMonths(db, {
      scopeId: q.districtId,
      metricId: 'pm25',
      from: `${q.year - 1}-01-01`,
      to: `${q.year - 1}-12-31`,
    }),
    readLatestRankedMonth(db, {
      districtId: q.districtId,
      metricId: 'pm25',
      fromMonth: `${q.year}-01`,
      toMonth: asOfMonth,
    }),
  ]);
  const monthly = month
    ? await readAreaMonthRanking(db, { districtId: q.districtId, metricId: 'pm25', month })
    : [];
  const targets = statuses.map((t) => ({
    ...t,
    projection:
      PROJECTED_METRICS.includes(t.metric_id) && t.period_key === String(q.year)
        ? projectAnnualMean(t.value, t.threshold, q.year, overview.asOf)
        : null,
  }));
  return { overview, targets, months: { thisYear, lastYear }, ranking: { month, monthly } };
}
