/**
 * The content of a report, independent of its format: the data phase (queries) builds it, the renderers
 * (HTML, PDF, XLSX, CSV) only lay it out. Numbers are kept as numbers; rounding for display happens in
 * the renderers, rounding for *ranking* happens once in ranking.ts so every format shows the same ranks.
 */

import type { TargetMetric } from '../rules/rule-kind.js';

export type ReportLocale = 'zh-CN' | 'en';
export const REPORT_LOCALES: readonly ReportLocale[] = ['zh-CN', 'en'];
export type ReportKind = 'monthly' | 'water_quarterly' | 'task_dispatch';
export type ReportFormat = 'html' | 'pdf' | 'xlsx' | 'csv';
export const REPORT_FORMATS: readonly ReportFormat[] = ['html', 'pdf', 'xlsx', 'csv'];
export type DataVersion = 'provisional' | 'audited';
export type TargetStatus = 'met' | 'at_risk' | 'breached' | 'insufficient_data';

export interface DistrictRef {
  id: string;
  nameZh: string;
  nameEn: string;
}

export interface AreaRef {
  id: string;
  nameZh: string;
  shortZh: string;
  nameEn: string;
  kind: 'street' | 'town' | 'township';
  sortOrder: number;
}

/** The metric as the rules name it, plus the direction a report ranks it by. */
export interface MetricRef extends TargetMetric {
  better: 'lower' | 'higher';
}

/** A value with last year's value for the same window, and the target it is held against (if any). */
export interface Comparison {
  value: number | null;
  lastYear: number | null;
  target: number | null;
}

export interface HeavyDays {
  /** Days with AQI > 200 (HJ 633 重度污染 and worse). */
  count: number;
  /** The same, leaving out days a sand-dust period overlaps (扣除沙尘影响). */
  countExSandDust: number;
  /** Days with an AQI at all: the count is out of these. */
  daysWithAqi: number;
  lastYearExSandDust: number | null;
  target: number | null;
}

export interface Headline {
  pm25Month: Comparison;
  pm25Ytd: Comparison;
  /** Q1 cumulative mean; `complete` once March is in. */
  pm25Q1: Comparison & { complete: boolean };
  heavyDaysYtd: HeavyDays;
  heavyDaysQ1: HeavyDays & { complete: boolean };
  dustFallMonth: Comparison & { exSandDust: number | null; sandDustAffected: boolean };
  dustFallYtd: Comparison & { exSandDust: number | null; monthsExcluded: number };
  /** Where the targets come from (plan and clause), e.g. 通政发〔2024〕7号 002:2391. */
  targetSource: string | null;
}

export interface CityRank {
  rank: number;
  /** Number of units the city ranked that month; null when the feed did not say. */
  ranked: number | null;
  bottom10: boolean | null;
  bottom30: boolean | null;
}

export interface StatusCell {
  /** The worst current status among the targets that apply to this unit and metric. */
  status: TargetStatus;
  targetIds: string[];
}

export interface RankingRow {
  area: AreaRef;
  value: number | null;
  /** Standard competition rank (1, 2, 2, 4) among the units with a value; null when no valid value. */
  rank: number | null;
  mark: 'best' | 'worst' | null;
  lastYear: number | null;
  change: number | null;
  changePct: number | null;
  /** Last month's value and rank (环比), for the bulletin's month-on-month column. */
  lastMonth: number | null;
  lastMonthRank: number | null;
  monthChange: number | null;
  monthChangePct: number | null;
  ytd: number | null;
  ytdLastYear: number | null;
  ytdChangePct: number | null;
  cityRank: CityRank | null;
  status: StatusCell | null;
}

export interface MetricRanking {
  metric: MetricRef;
  /** Sorted by rank, then the units without a value in the area order. */
  rows: RankingRow[];
  rankedCount: number;
  /** How many units are marked best and worst (3, fewer for a small scope so the two sets never meet). */
  markCount: number;
  /** Citation of the clause requiring this ranking. */
  source: string;
}

export interface WaterPollutant {
  param: string;
  nameZh: string;
  nameEn: string;
  value: number;
  /** (C − C_std) / C_std against the target class; null for DO and pH (环办〔2011〕22号). */
  exceedanceMultiple: number | null;
}

export interface WaterSectionRow {
  siteId: string;
  nameZh: string;
  nameEn: string;
  riverZh: string | null;
  riverEn: string | null;
  area: AreaRef | null;
  /** 1..6 (6 = 劣Ⅴ); null when the month has no sample. */
  waterClass: number | null;
  targetClass: number | null;
  met: boolean | null;
  mainPollutants: WaterPollutant[];
  lastYearClass: number | null;
  samples: number;
}

export interface AlertRow {
  id: number;
  state: 'firing' | 'acknowledged';
  severity: 'critical' | 'warning' | 'notice';
  titleZh: string;
  titleEn: string;
  scopeName: { zh: string; en: string } | null;
  openedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

/** A district-scope target with its current evaluation (from the targets engine). */
export interface DistrictTargetRow {
  targetId: string;
  titleZh: string;
  titleEn: string;
  periodKey: string;
  status: TargetStatus;
  value: number | null;
  threshold: number | null;
  asOf: string;
  source: string;
}

export interface MonthlyPoint {
  month: string;
  value: number | null;
  lastYear: number | null;
  /** Cumulative mean of valid daily values from 1 January to the month's end. */
  cumulative: number | null;
}

export interface DailyPoint {
  day: string;
  value: number | null;
  aqiLevel: number | null;
  sandDust: boolean;
}

export interface MonthlyReportData {
  kind: 'monthly';
  scope: DistrictRef;
  month: string;
  year: number;
  dataVersion: DataVersion;
  headline: Headline;
  rankings: MetricRanking[];
  districtTargets: DistrictTargetRow[];
  water: WaterSectionRow[];
  alerts: AlertRow[];
  charts: {
    pm25Monthly: MonthlyPoint[];
    pm25Daily: DailyPoint[];
    pm25DailyLimit: number;
    pm25AnnualTarget: number | null;
  };
  /** Units in the scope that month (17 in 2020, 22 from 2021 for Tongzhou). */
  areaCount: number;
}

export interface WaterBulletinRow {
  area: AreaRef;
  rank: number;
  sections: WaterSectionRow[];
  sectionsFailing: number;
  worstClass: number;
  maxExceedance: number | null;
}

export interface WaterBulletinData {
  kind: 'water_quarterly';
  scope: DistrictRef;
  quarter: string;
  year: number;
  dataVersion: DataVersion;
  /** The ten worst (ties at the cut are all kept), worst first. */
  worst: WaterBulletinRow[];
  assessedAreas: number;
  source: string;
}

/** Counts of a unit's owed tasks for the month by what it reported (envwatch_owed_tasks, migration 0075). */
export interface TaskStatusCounts {
  owed: number;
  done: number;
  /** 未启动 / 推进中, not yet past the due date. */
  onTrack: number;
  /** 滞后 as reported, or 未启动 / 推进中 past the due date. */
  late: number;
  notApplicable: number;
  notReported: number;
}

export interface TaskDispatchUnitRow extends TaskStatusCounts {
  unitId: string;
  nameZh: string;
  nameEn: string;
}

export interface TaskDispatchPlan {
  id: string;
  nameZh: string;
  nameEn: string;
  documentNo: string | null;
  units: TaskDispatchUnitRow[];
  totals: TaskStatusCounts;
}

/** A task past its due date at the month's end that some main unit has not reported 已完成. */
export interface TaskOverdueItem {
  taskId: string;
  planId: string;
  keyTaskZh: string;
  deadlineZh: string;
  dueOn: string;
  daysOverdue: number;
  mainUnitsZh: string[];
  leadOfficials: { zh: string; en: string }[];
  pendingUnits: { zh: string; en: string }[];
}

/**
 * A manual-entry indicator's value for the month (issue #16 item 4). The hook of the report: the
 * indicators are built elsewhere; until they exist the collector gives null and the report says so.
 */
export interface ManualIndicatorItem {
  indicatorId: string;
  titleZh: string;
  titleEn: string;
  unitZh: string;
  value: number | null;
  target: string | null;
  /** The evaluation's status key (met, at_risk, breached, insufficient_data), labelled by the renderers. */
  verdict: string | null;
}

export interface TaskDispatchData {
  kind: 'task_dispatch';
  scope: DistrictRef;
  month: string;
  year: number;
  /** Units' own reports are not audited data: always 'provisional' (kept for the archive's column). */
  dataVersion: DataVersion;
  plans: TaskDispatchPlan[];
  overdue: TaskOverdueItem[];
  /** null: no manual-entry indicators in this installation yet (nothing is invented in their place). */
  manualIndicators: ManualIndicatorItem[] | null;
}

export type ReportData = MonthlyReportData | WaterBulletinData | TaskDispatchData;

export interface RenderedFile {
  locale: ReportLocale;
  format: ReportFormat;
  fileName: string;
  content: Buffer;
}
