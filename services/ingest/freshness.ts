/**
 * "Stale source / no data": a source that has not delivered a period it should have by now. Distinct from a
 * target breach — nothing is known about the target, the data is missing. The period P is due at
 * end(P) + expected_lag + settle_window (config/sources.yaml); the source is stale while the newest period
 * it delivered is older than the latest due period. Opening and resolving an episode is recorded in
 * source_status.stale_since and source_condition (see migrations/0004) for the alerts to deliver.
 */
import type { Queryable } from '../db/queryable.js';
import { formatShanghai, shanghaiDayStart, shanghaiInstant, toShanghaiDay, HOUR } from '../time/shanghai.js';
import {
  ensureSourceStatuses,
  openStaleCondition,
  resolveStaleCondition,
  type SourceStatusRow,
} from './freshness-queries.js';
import type { Cadence, SourceDefinition } from './sources/source-schema.js';

type PeriodCadence = Exclude<Cadence, 'event'>;

/** The start of the cadence period containing `t` (Asia/Shanghai calendar). */
export function periodStartOf(cadence: PeriodCadence, t: Date): Date {
  if (cadence === 'hour') return new Date(Math.floor(t.getTime() / HOUR) * HOUR);
  const day = toShanghaiDay(t);
  if (cadence === 'day') return shanghaiDayStart(day);
  if (cadence === 'month') return shanghaiInstant(`${day.slice(0, 7)}-01`);
  return shanghaiInstant(`${day.slice(0, 7)}-${Number(day.slice(8)) < 16 ? '01' : '16'}`);
}

export function nextPeriodStart(cadence: PeriodCadence, start: Date): Date {
  if (cadence === 'hour') return new Date(start.getTime() + HOUR);
  if (cadence === 'day') return periodStartOf('day', new Date(start.getTime() + 36 * HOUR));
  // 17 days past the 1st or the 16th lands in the next half month; 32 past the 1st in the next month.
  return periodStartOf(cadence, new Date(start.getTime() + (cadence === 'month' ? 32 : 17) * 24 * HOUR));
}

export function previousPeriodStart(cadence: PeriodCadence, start: Date): Date {
  return periodStartOf(cadence, new Date(start.getTime() - 1));
}

export interface FreshnessVerdict {
  stale: boolean;
  /** The latest period whose data is due by now. */
  duePeriodStart: Date;
  /** The first period not delivered (the due period itself when nothing ever came). */
  firstMissing: Date;
  /** When the first missing period was due. */
  dueAt: Date;
}

export function judgeFreshness(
  source: Pick<SourceDefinition, 'expected_lag' | 'settle_window'> & { cadence: PeriodCadence },
  status: { watchingSince: Date; lastDataAt: Date | null },
  now: Date,
): FreshnessVerdict {
  const { cadence } = source;
  const grace = source.expected_lag + source.settle_window;
  const duePeriodStart = previousPeriodStart(
    cadence,
    periodStartOf(cadence, new Date(now.getTime() - grace)),
  );
  const delivered = status.lastDataAt ? periodStartOf(cadence, status.lastDataAt) : null;
  const firstMissing = delivered ? nextPeriodStart(cadence, delivered) : duePeriodStart;
  // Nothing ever delivered: stale only once a whole period was due after we started watching the source.
  const stale = delivered ? delivered < duePeriodStart : status.watchingSince <= duePeriodStart;
  const dueAt = new Date(nextPeriodStart(cadence, firstMissing).getTime() + grace);
  return { stale, duePeriodStart, firstMissing, dueAt };
}

export interface FreshnessReport {
  checked: number;
  stale: string[];
  opened: string[];
  resolved: string[];
}

/** Checks every enabled periodic source; opens or resolves its stale episode. */
export async function checkSourceFreshness(
  db: Queryable,
  sources: readonly SourceDefinition[],
  now: Date,
): Promise<FreshnessReport> {
  const periodic = sources.filter((s) => s.enabled && s.cadence !== 'event');
  const report: FreshnessReport = { checked: periodic.length, stale: [], opened: [], resolved: [] };
  if (periodic.length === 0) return report;
  const statuses = await ensureSourceStatuses(
    db,
    periodic.map((s) => s.id),
    now,
  );
  for (const source of periodic) {
    const status = statuses.get(source.id)!;
    const verdict = judgeFreshness(
      { ...source, cadence: source.cadence as PeriodCadence },
      toStatus(status),
      now,
    );
    if (verdict.stale) {
      report.stale.push(source.id);
      if (
        await openStaleCondition(db, {
          sourceId: source.id,
          now,
          verdict,
          lastDataAt: status.last_data_at,
          ...describe(source, verdict, status),
        })
      ) {
        report.opened.push(source.id);
      }
    } else if (await resolveStaleCondition(db, source.id, status.last_batch_id, now)) {
      report.resolved.push(source.id);
    }
  }
  return report;
}

function toStatus(s: SourceStatusRow): { watchingSince: Date; lastDataAt: Date | null } {
  return { watchingSince: s.watching_since, lastDataAt: s.last_data_at };
}

/** The texts the alert will quote; Chinese first. */
function describe(
  source: SourceDefinition,
  v: FreshnessVerdict,
  s: SourceStatusRow,
): { detailZh: string; detailEn: string } {
  const missing = formatShanghai(v.firstMissing);
  const due = formatShanghai(v.dueAt);
  const last = s.last_data_at ? formatShanghai(s.last_data_at) : null;
  return {
    detailZh:
      `数据源「${source.name_zh}」未按时送达数据：${missing} 起的数据应于 ${due} 前到达，` +
      (last ? `最新数据时间为 ${last}。` : '尚未收到任何数据。') +
      (s.last_error ? `最近一次错误：${s.last_error}` : ''),
    detailEn:
      `Source "${source.name_en ?? source.id}" has delivered no data for ${missing} onwards (due by ${due}); ` +
      (last ? `newest data: ${last}.` : 'nothing received yet.') +
      (s.last_error ? ` Last error: ${s.last_error}` : ''),
  };
}
