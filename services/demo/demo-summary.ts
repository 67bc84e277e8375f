/**
 * The demo's summary: what the database says happened, next to what the generator planted, so a reader
 * (and the demo's test) can check that every generated row was received and every bad row refused for
 * the reason it was planted for.
 */
import type { Queryable } from '../db/queryable.js';
import type { Queues } from '../../workers/enqueue.js';
import {
  readAlertCounts,
  readDeliveryCounts,
  readEvaluationStatuses,
  readInputEventCounts,
  readMessagesPerRecipientDay,
  type MessagesPerRecipientDay,
  readRefusedByReason,
  readRowsBySource,
  readCounters,
  readReportCounts,
  type AlertCount,
  type BatchRowCounts,
  type ReportCounts,
  type DeliveryCount,
  type DeviceCounts,
  readDeviceCounts,
  readTaskReminderCounts,
  type SourceRows,
  type TaskReminderCounts,
} from './summary-queries.js';

export interface ExpectedCounts {
  rows: number;
  refusedByReason: Record<string, number>;
}

export interface DemoSummary {
  seed: number;
  period: string;
  stations: number;
  expected: ExpectedCounts;
  /** Rows of the batches done (received = inserted + updated + unchanged + refused), and batches failed. */
  rows: BatchRowCounts;
  bySource: SourceRows[];
  refusedByReason: Record<string, number>;
  evaluationRuns: number;
  evaluationStatuses: Record<string, number>;
  alerts: AlertCount[];
  taskReminders: TaskReminderCounts;
  deliveries: DeliveryCount[];
  /** Alert messages per person per Shanghai day (grouping keeps this small). */
  perRecipientDay: MessagesPerRecipientDay;
  mail: { count: number; where: string };
  reports: ReportCounts & { where: string };
  inputs: { sandDustPeriods: number; warnings: number };
  failedJobs: { failed: number; retrying: number };
  /** HJ 212: what the demo's loggers sent and saw acknowledged, and what the receiver counted per device. */
  devices: { loggers: { packets: number; acks: number }; byDevice: DeviceCounts[] };
  logFile: string;
  seconds: number;
  /** Where the time went: the replay loop's phases (ms) and the workers' busy seconds per job name. */
  phases: { replayMs: Record<string, number>; jobSeconds: Record<string, number> };
}

/** Jobs that failed for good, and jobs failing that are waiting for another attempt. */
export async function countFailedJobs(queues: Queues): Promise<{ failed: number; retrying: number }> {
  let failed = 0;
  let retrying = 0;
  for (const q of Object.values(queues)) {
    failed += (await q.getJobCounts('failed')).failed ?? 0;
    retrying += (await q.getDelayed(0, 1000)).filter((j) => j.attemptsMade > 0).length;
  }
  return { failed, retrying };
}

export async function collectSummary(
  db: Queryable,
  queues: Queues,
  fixed: Pick<
    DemoSummary,
    'seed' | 'period' | 'stations' | 'expected' | 'mail' | 'logFile' | 'seconds' | 'phases'
  > & {
    reportsWhere: string;
    loggers: DemoSummary['devices']['loggers'];
  },
  /** The replay clock's time: deliveries due after it are reported as scheduled. */
  now: Date,
): Promise<DemoSummary> {
  const { reportsWhere, loggers, ...rest } = fixed;
  const [
    counters,
    bySource,
    refusedByReason,
    evaluationStatuses,
    alerts,
    deliveries,
    inputs,
    failedJobs,
    reports,
    perRecipientDay,
    byDevice,
    taskReminders,
  ] = await Promise.all([
    readCounters(db),
    readRowsBySource(db),
    readRefusedByReason(db),
    readEvaluationStatuses(db),
    readAlertCounts(db),
    readDeliveryCounts(db, now),
    readInputEventCounts(db),
    countFailedJobs(queues),
    readReportCounts(db),
    readMessagesPerRecipientDay(db),
    readDeviceCounts(db),
    readTaskReminderCounts(db),
  ]);
  const { evaluations, alerts: _a, deliveriesSent: _d, reports: _r, ...rows } = counters;
  return {
    ...rest,
    reports: { ...reports, where: reportsWhere },
    rows,
    bySource,
    refusedByReason,
    evaluationRuns: evaluations,
    evaluationStatuses,
    alerts,
    taskReminders,
    deliveries,
    perRecipientDay,
    inputs,
    failedJobs,
    devices: { loggers, byDevice },
  };
}

/** Adds one delivery's planted refusals to the running expectation. */
export function addExpected(
  into: ExpectedCounts,
  rows: number,
  refusals: Partial<Record<string, number>>,
): void {
  into.rows += rows;
  for (const [code, n] of Object.entries(refusals))
    into.refusedByReason[code] = (into.refusedByReason[code] ?? 0) + (n ?? 0);
}
