/**
 * The data phase of the monthly ranking report: reads the rollups, city ranks, water samples, target
 * statuses and open alerts for one district and month, and assembles MonthlyReportData. Queries run in
 * parallel on the pool; nothing here formats anything.
 */
import type { Queryable } from '../db/queryable.js';
import { gradeIILimitsOn } from '../standards/index.js';
import { addDays, addMonths, monthEndDay, shanghaiInstant } from '../time/shanghai.js';
import { buildDailySeries, buildHeadline, buildMonthlySeries } from './headline.js';
import { headlineTargetsFor, RANKING_METRICS } from './headline-targets.js';
import { cityRankMetricOf, readCityRanks } from './queries/city-rank-queries.js';
import { readAreasValidIn, readDistrict, readMetrics } from './queries/reference-queries.js';
import {
  readDailyAqi,
  readDailyValues,
  readMonthlyValues,
  readCumulativeWindow,
  readSandDustDays,
} from './queries/rollup-queries.js';
import { readOpenAlertsAsOf, readStatusesAsOf } from './queries/status-queries.js';
import {
  readWaterParamNames,
  readWaterSampleMeans,
  readWaterSections,
  type WaterSampleMeanRow,
  type WaterSectionRefRow,
} from './queries/water-queries.js';
import { buildRanking, statusCells, VersionTracker } from './build-ranking.js';
import type { AlertRow, DistrictTargetRow, MonthlyReportData } from './report-types.js';
import { readTargetYtd } from './target-ytd.js';
import { buildSectionRow, periodValues } from './water-sections.js';
import { ValidationError } from '../errors.js';

export const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * The district's water sections and their samples from the same month last year to the month's end. The
 * samples follow their sections at once, not after the slowest query of the report's batch.
 */
async function readSectionsWithSamples(
  db: Queryable,
  scopeId: string,
  year: number,
  from: string,
  monthEnd: string,
): Promise<{ sections: WaterSectionRefRow[]; samples: WaterSampleMeanRow[] }> {
  const sections = await readWaterSections(db, scopeId, year, `${monthEnd.slice(0, 7)}-01`, monthEnd);
  const samples = await readWaterSampleMeans(
    db,
    sections.map((s) => s.id),
    from,
    monthEnd,
  );
  return { sections, samples };
}

export async function collectMonthlyReport(
  db: Queryable,
  opts: { scopeId: string; month: string },
): Promise<MonthlyReportData> {
  const { scopeId, month } = opts;
  if (!MONTH_RE.test(month)) throw new ValidationError(`not a month (YYYY-MM): ${month}`);
  const year = Number(month.slice(0, 4));
  const monthStart = `${month}-01`;
  const monthEnd = monthEndDay(month);
  const lastYearMonth = addMonths(month, -12);
  const lyStart = `${year - 1}-01-01`;
  const quarter = `${year}-Q${Math.ceil(Number(month.slice(5)) / 3)}`;
  const periodKeys = [String(year), quarter, month];

  const [district, areas, metrics] = await Promise.all([
    readDistrict(db, scopeId),
    readAreasValidIn(db, scopeId, monthStart, monthEnd),
    readMetrics(
      db,
      RANKING_METRICS.map((m) => m.id),
    ),
  ]);
  const areaIds = areas.map((a) => a.id);
  const metricIds = RANKING_METRICS.map((m) => m.id).filter((id) => metrics.has(id));
  const rankMetricIds = metricIds.map(cityRankMetricOf);

  const [
    monthYtd,
    monthYtdLy,
    districtMonthly,
    pm25Daily,
    aqiDaily,
    sandDustDays,
    cityRanks,
    lastMonthValues,
    statuses,
    districtStatuses,
    alerts,
    { sections, samples: waterSamples },
    paramNames,
  ] = await Promise.all([
    // The month and its cumulative mean, and the same for last year: two connections, two cores.
    readCumulativeWindow(db, areaIds, metricIds, `${year}-01`, month),
    readCumulativeWindow(db, areaIds, metricIds, `${year - 1}-01`, lastYearMonth),
    // The district's two years of PM2.5 and dust fall: the headline and the monthly chart.
    readMonthlyValues(
      db,
      [scopeId],
      ['pm25', 'dust_fall'],
      Array.from({ length: 24 }, (_, i) => addMonths(`${year - 1}-01`, i)),
    ),
    readDailyValues(db, scopeId, 'pm25', lyStart, monthEnd),
    readDailyAqi(db, scopeId, lyStart, monthEnd),
    readSandDustDays(db, scopeId, lyStart, monthEnd),
    readCityRanks(db, areaIds, metricIds, monthStart),
    readMonthlyValues(db, areaIds, metricIds, [addMonths(month, -1)]),
    // Statuses as they stood at the month's end: a past month keeps telling that month's story.
    readStatusesAsOf(db, scopeId, areaIds, [...metricIds, ...rankMetricIds], periodKeys, monthEnd),
    readStatusesAsOf(db, scopeId, [scopeId], null, periodKeys, monthEnd),
    // Open as the month ended (its first instant after): a past month lists that month's alerts.
    readOpenAlertsAsOf(db, scopeId, shanghaiInstant(addDays(monthEnd, 1))),
    readSectionsWithSamples(db, scopeId, year, `${lastYearMonth}-01`, monthEnd),
    readWaterParamNames(db),
  ]);

  // Needs the statuses: which year target judges each unit's metric decides how its YTD is computed.
  const targetYtd = await readTargetYtd(db, { districtId: scopeId, year, monthEnd, metricIds, statuses });

  const versions = new VersionTracker();
  // Only what the report prints decides its data version: this month, the cumulative windows, the ranks.
  for (const r of [...monthYtd, ...monthYtdLy]) versions.see(r.min_version);
  for (const r of districtMonthly)
    if (r.month === month || r.month === lastYearMonth) versions.see(r.min_version);
  for (const r of pm25Daily) versions.see(r.min_version);
  for (const r of cityRanks) versions.see(r.data_version);
  for (const r of waterSamples) if (r.month === month) versions.see(r.min_version);

  const statusByMetric = statusCells(statuses, (metricId) => metricId.replace(/^city_rank_/, ''));
  const rankings = metricIds.map((id) => {
    const metric = metrics.get(id)!;
    return buildRanking({
      metric,
      areas,
      thisYear: monthYtd.filter((r) => r.metric_id === id),
      lastYear: monthYtdLy.filter((r) => r.metric_id === id),
      lastMonth: lastMonthValues.filter((r) => r.metric_id === id),
      cityRanks: cityRanks.filter((r) => r.metric_id === id),
      statuses: statusByMetric.get(id) ?? new Map(),
      targetYtd: targetYtd.get(id),
      source: RANKING_METRICS.find((m) => m.id === id)!.source,
    });
  });

  const areaById = new Map(areas.map((a) => [a.id, a]));
  const current = periodValues(waterSamples, new Set([month]));
  const lastYear = periodValues(waterSamples, new Set([lastYearMonth]));
  const water = sections
    // Example sections (the plans name no such site) only appear once they carry data.
    .filter((s) => !s.is_example || current.has(s.id))
    .map((s) => buildSectionRow(s, current.get(s.id), lastYear.get(s.id), areaById, paramNames));

  const targets = headlineTargetsFor(scopeId, year);
  const pm25Monthly = districtMonthly.filter((r) => r.metric_id === 'pm25');
  return {
    kind: 'monthly',
    scope: district,
    month,
    year,
    dataVersion: versions.result(),
    headline: buildHeadline({
      month,
      pm25Daily,
      pm25Monthly,
      aqiDaily,
      sandDustDays,
      dustFallMonthly: districtMonthly.filter((r) => r.metric_id === 'dust_fall'),
      targets,
    }),
    rankings,
    districtTargets: districtStatuses.map((s): DistrictTargetRow => ({
      targetId: s.target_id,
      titleZh: s.title_zh,
      titleEn: s.title_en,
      periodKey: s.period_key,
      status: s.status,
      value: s.value,
      threshold: s.threshold,
      asOf: s.as_of,
      source: s.source,
    })),
    water,
    alerts: alerts.map((a): AlertRow => ({
      id: a.id,
      state: a.state,
      severity: a.severity,
      titleZh: a.title_zh,
      titleEn: a.title_en,
      scopeName: a.scope_name_zh ? { zh: a.scope_name_zh, en: a.scope_name_en ?? a.scope_name_zh } : null,
      openedAt: a.opened_at.toISOString(),
      acknowledgedAt: a.acknowledged_at?.toISOString() ?? null,
      acknowledgedBy: a.acknowledged_by,
    })),
    charts: {
      pm25Monthly: buildMonthlySeries({ month, pm25Daily, pm25Monthly }),
      pm25Daily: buildDailySeries(month, pm25Daily, aqiDaily, sandDustDays),
      pm25DailyLimit: gradeIILimitsOn(monthEnd, 'pm25').daily,
      pm25AnnualTarget: targets?.pm25Year ?? null,
    },
    areaCount: areas.length,
  };
}
