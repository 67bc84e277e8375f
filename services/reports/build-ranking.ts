/**
 * Builds one metric's ranking table from query rows: month value, rank with ties and marks, change
 * against last month (value and rank) and against the same month last year, cumulative (YTD) mean and its change, city-wide rank with the
 * bottom-10/30 flags, and the worst current target status.
 */
import type { CityRankRow } from './queries/city-rank-queries.js';
import type { CumulativeRow } from './queries/rollup-queries.js';
import type { CurrentStatusRow } from './queries/status-queries.js';
import type { TargetYtd } from './target-ytd.js';
import { cityBottomFlags, rankItems, yearOnYearChange } from './ranking.js';
import type {
  AreaRef,
  DataVersion,
  MetricRanking,
  MetricRef,
  RankingRow,
  StatusCell,
  TargetStatus,
} from './report-types.js';

/** Worst first: a unit breaching one target and meeting another shows the breach. */
const STATUS_SEVERITY: Record<TargetStatus, number> = {
  breached: 3,
  at_risk: 2,
  insufficient_data: 1,
  met: 0,
};

/** The smallest data_version seen: 0 anywhere makes the report provisional (HJ 633-2012 §5.1.5). */
export class VersionTracker {
  private min: number | null = null;
  see(v: number | null): void {
    if (v === null) return;
    this.min = this.min === null ? v : Math.min(this.min, v);
  }
  /** No input at all is not audited data: such a report is provisional too. */
  result(): DataVersion {
    return this.min === 1 ? 'audited' : 'provisional';
  }
}

/** metric → area → worst status; `metricOf` maps a rank metric (city_rank_pm25) to its ranking (pm25). */
export function statusCells(
  rows: readonly CurrentStatusRow[],
  metricOf: (metricId: string) => string,
): Map<string, Map<string, StatusCell>> {
  const out = new Map<string, Map<string, StatusCell>>();
  for (const r of rows) {
    const metric = metricOf(r.metric_id);
    const byArea = out.get(metric) ?? new Map<string, StatusCell>();
    const cell = byArea.get(r.scope_id);
    if (!cell) byArea.set(r.scope_id, { status: r.status, targetIds: [r.target_id] });
    else {
      if (!cell.targetIds.includes(r.target_id)) cell.targetIds.push(r.target_id);
      if (STATUS_SEVERITY[r.status] > STATUS_SEVERITY[cell.status]) cell.status = r.status;
    }
    out.set(metric, byArea);
  }
  return out;
}

export interface RankingInput {
  metric: MetricRef;
  areas: readonly AreaRef[];
  /** Per unit: the month and the cumulative mean from 1 January; the same a year earlier. */
  thisYear: readonly CumulativeRow[];
  lastYear: readonly CumulativeRow[];
  /** Per unit: last month's value (December of last year for a January report). */
  lastMonth: readonly { scope_id: string; value: number | null }[];
  cityRanks: readonly CityRankRow[];
  statuses: ReadonlyMap<string, StatusCell>;
  /** Per unit judged by a year target on the metric: the cumulative means as that target computes them. */
  targetYtd?: ReadonlyMap<string, TargetYtd>;
  source: string;
}

function pctChange(value: number | null, lastYear: number | null, decimals: number): number | null {
  return yearOnYearChange(value, lastYear, decimals).changePct;
}

export function buildRanking(input: RankingInput): MetricRanking {
  const { metric } = input;
  // Maps, not find(): at city scale (~330 units) linear scans would dominate the data phase.
  const now = new Map(input.thisYear.map((r) => [r.scope_id, r]));
  const before = new Map(input.lastYear.map((r) => [r.scope_id, r]));
  const cityRanks = new Map(input.cityRanks.map((r) => [r.area_id, r]));
  const prev = new Map(input.lastMonth.map((r) => [r.scope_id, r.value]));
  const opts = { decimals: metric.decimals, better: metric.better };
  const ranked = rankItems(
    input.areas.map((area) => ({ item: area, value: now.get(area.id)?.value ?? null })),
    opts,
  );
  // Last month's ranks among this month's units, the same rule as this month's.
  const prevRanks = new Map(
    rankItems(
      input.areas.map((area) => ({ item: area, value: prev.get(area.id) ?? null })),
      opts,
    ).rows.map((r) => [r.item.id, r.rank]),
  );
  const rows: RankingRow[] = ranked.rows.map((r) => {
    const lastYear = before.get(r.item.id)?.value ?? null;
    const { change, changePct } = yearOnYearChange(r.value, lastYear, metric.decimals);
    const lastMonth = prev.get(r.item.id) ?? null;
    const mom = yearOnYearChange(r.value, lastMonth, metric.decimals);
    // A unit with a year target prints its target's figure (exclusions, validity), never a second one.
    const own = input.targetYtd?.get(r.item.id);
    const ytd = own ? own.mean : (now.get(r.item.id)?.mean ?? null);
    const ytdLastYear = own ? own.lastYearMean : (before.get(r.item.id)?.mean ?? null);
    const city = cityRanks.get(r.item.id);
    const rankedCount = city?.n_ranked ?? null;
    return {
      area: r.item,
      value: r.value,
      rank: r.rank,
      mark: r.mark,
      lastYear,
      change,
      changePct,
      lastMonth,
      lastMonthRank: prevRanks.get(r.item.id) ?? null,
      monthChange: mom.change,
      monthChangePct: mom.changePct,
      ytd,
      ytdLastYear,
      ytdChangePct: pctChange(ytd, ytdLastYear, metric.decimals),
      cityRank: city
        ? { rank: city.rank, ranked: rankedCount, ...cityBottomFlags(city.rank, rankedCount) }
        : null,
      status: input.statuses.get(r.item.id) ?? null,
    };
  });
  return { metric, rows, rankedCount: ranked.rankedCount, markCount: ranked.markCount, source: input.source };
}
