/**
 * What the pipeline did, read back from the database (the ground truth, not the demo's own tally): rows per
 * source, refusals per reason, evaluations, alerts, deliveries, reports. One named function per statement.
 */
import type { Queryable } from '../db/queryable.js';

export interface BatchRowCounts {
  received: number;
  inserted: number;
  updated: number;
  unchanged: number;
  refused: number;
  failedBatches: number;
}

export interface Counters extends BatchRowCounts {
  evaluations: number;
  alerts: number;
  deliveriesSent: number;
  reports: number;
}

/** Running totals, read before and after each replayed month for the progress line. */
export async function readCounters(db: Queryable): Promise<Counters> {
  const { rows } = await db.query<Counters>(
    `SELECT coalesce(sum(received) FILTER (WHERE status = 'done'), 0)::int AS received,
            coalesce(sum(inserted) FILTER (WHERE status = 'done'), 0)::int AS inserted,
            coalesce(sum(updated) FILTER (WHERE status = 'done'), 0)::int AS updated,
            coalesce(sum(unchanged) FILTER (WHERE status = 'done'), 0)::int AS unchanged,
            coalesce(sum(refused) FILTER (WHERE status = 'done'), 0)::int AS refused,
            count(*) FILTER (WHERE status = 'failed')::int AS "failedBatches",
            (SELECT count(*) FROM evaluation)::int AS evaluations,
            (SELECT count(*) FROM alert)::int AS alerts,
            (SELECT count(*) FROM delivery WHERE status = 'sent')::int AS "deliveriesSent",
            (SELECT count(*) FROM report)::int AS reports
       FROM ingest_batch`,
  );
  return rows[0]!;
}

export interface SourceRows extends Omit<BatchRowCounts, 'failedBatches'> {
  sourceId: string;
  adapter: string;
  batches: number;
}

export async function readRowsBySource(db: Queryable): Promise<SourceRows[]> {
  const { rows } = await db.query<SourceRows>(
    `SELECT source_id AS "sourceId", adapter, count(*)::int AS batches,
            sum(received)::int AS received, sum(inserted)::int AS inserted, sum(updated)::int AS updated,
            sum(unchanged)::int AS unchanged, sum(refused)::int AS refused
       FROM ingest_batch WHERE status = 'done'
      GROUP BY source_id, adapter ORDER BY source_id, adapter`,
  );
  return rows;
}

export async function readRefusedByReason(db: Queryable): Promise<Record<string, number>> {
  const { rows } = await db.query<{ code: string; n: number }>(
    `SELECT reason_code AS code, count(*)::int AS n FROM refused_row GROUP BY reason_code ORDER BY n DESC, code`,
  );
  return Object.fromEntries(rows.map((r) => [r.code, r.n]));
}

export async function readEvaluationStatuses(db: Queryable): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM evaluation_current GROUP BY status ORDER BY status`,
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

export interface AlertCount {
  kind: string;
  severity: string;
  state: string;
  n: number;
}

export async function readAlertCounts(db: Queryable): Promise<AlertCount[]> {
  const { rows } = await db.query<AlertCount>(
    `SELECT kind, severity, state, count(*)::int AS n FROM alert GROUP BY kind, severity, state ORDER BY kind, severity, state`,
  );
  return rows;
}

export interface DeliveryCount {
  channel: string;
  /**
   * The delivery's status, except for pending ones waiting on purpose: 'digest' for an item of the next daily
   * digest, 'scheduled' for one not due before `now` (working hours, a retry's backoff).
   */
  status: string;
  n: number;
  /** For 'scheduled': when the first of them is due. */
  firstDue: Date | null;
}

/** A pending delivery that waits on purpose is not stuck: the summary says so. */
export async function readDeliveryCounts(db: Queryable, now: Date): Promise<DeliveryCount[]> {
  const { rows } = await db.query<DeliveryCount>(
    `SELECT channel, status, count(*)::int AS n, min(not_before) FILTER (WHERE status = 'scheduled') AS "firstDue"
       FROM (SELECT channel, not_before,
                    CASE WHEN status = 'pending' AND mode = 'digest' THEN 'digest'
                         WHEN status = 'pending' AND mode = 'group' THEN 'grouped'
                         WHEN status = 'pending' AND not_before > $1 THEN 'scheduled'
                         ELSE status END AS status
               FROM delivery) d
      GROUP BY channel, status ORDER BY channel, status`,
    [now],
  );
  return rows;
}

export interface MessagesPerRecipientDay {
  /** Person-days that received at least one message. */
  days: number;
  max: number;
  p99: number;
  /** Who got the most on one Shanghai day, and when. */
  maxRecipient: string | null;
  maxDay: string | null;
}

/**
 * Alert messages (e-mail and SMS) each person received per Shanghai day — what a person sees in the inbox:
 * a group message or digest counts once, its items not at all (issue #14: 21 and 25 on one morning before).
 */
export async function readMessagesPerRecipientDay(db: Queryable): Promise<MessagesPerRecipientDay> {
  const { rows } = await db.query<MessagesPerRecipientDay>(
    `WITH per AS (
       SELECT recipient_id, (sent_at AT TIME ZONE 'Asia/Shanghai')::date::text AS day, count(*)::int AS n
         FROM delivery WHERE status = 'sent' AND mode <> 'group' GROUP BY 1, 2
     )
     SELECT count(*)::int AS days, coalesce(max(n), 0)::int AS max,
            coalesce(percentile_disc(0.99) WITHIN GROUP (ORDER BY n), 0)::int AS p99,
            (SELECT recipient_id FROM per ORDER BY n DESC, day LIMIT 1) AS "maxRecipient",
            (SELECT day FROM per ORDER BY n DESC, day LIMIT 1) AS "maxDay"
       FROM per`,
  );
  return rows[0]!;
}

export async function readInputEventCounts(
  db: Queryable,
): Promise<{ sandDustPeriods: number; warnings: number }> {
  const { rows } = await db.query<{ sandDustPeriods: number; warnings: number }>(
    `SELECT (SELECT count(*) FROM sand_dust_period)::int AS "sandDustPeriods",
            (SELECT count(*) FROM heavy_pollution_warning)::int AS warnings`,
  );
  return rows[0]!;
}

export interface ReportCounts {
  versions: number;
  files: number;
  /** Files relative to OUT_DIR (reports/<scope>/<period>/v<n>/…), the archive the reports domain keeps. */
  paths: string[];
  emailsSent: number;
  /** Formats the current versions lack, grouped by format and reason (report.summary.failures). */
  notProduced: { format: string; reason: string; n: number; example: string }[];
}

export async function readReportCounts(db: Queryable): Promise<ReportCounts> {
  const { rows } = await db.query<{ path: string }>(`SELECT path FROM report_file ORDER BY path`);
  const { rows: counts } = await db.query<{ versions: number; emailsSent: number }>(
    `SELECT (SELECT count(*) FROM report)::int AS versions,
            (SELECT count(*) FROM report_delivery WHERE status = 'sent')::int AS "emailsSent"`,
  );
  return {
    versions: counts[0]!.versions,
    files: rows.length,
    paths: rows.map((r) => r.path),
    emailsSent: counts[0]!.emailsSent,
    notProduced: await readReportFailures(db),
  };
}

/** What each current report version could not produce, and why, counted per format and reason. */
export async function readReportFailures(db: Queryable): Promise<ReportCounts['notProduced']> {
  const { rows } = await db.query<{ format: string; reason: string; n: number; example: string }>(
    `SELECT f->>'format' AS format, f->>'reason' AS reason, count(*)::int AS n,
            min(r.scope_id || ' ' || r.period_key || ' ' || (f->>'locale')) AS example
       FROM report r, jsonb_array_elements(coalesce(r.summary->'failures', '[]'::jsonb)) f
      WHERE r.superseded_by IS NULL
      GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  return rows;
}

export interface DeviceCounts {
  mn: string;
  version: string | null;
  packets: number;
  acked: number;
  rows: number;
  /** Packets by the CRC they carried: HJ 212 App. A's, CRC-16/MODBUS. */
  crcStandard: number;
  crcModbus: number;
  refused: number;
}

/** What the HJ 212 receiver counted per device (hj212_device_stats), the demo's loggers among them. */
export async function readDeviceCounts(db: Queryable): Promise<DeviceCounts[]> {
  const { rows } = await db.query<DeviceCounts>(
    `SELECT s.mn, s.protocol_version AS version, s.packets::int, s.acked::int, s.rows_written::int AS rows,
            s.crc_standard::int AS "crcStandard", s.crc_modbus::int AS "crcModbus",
            coalesce((SELECT sum(value::int) FROM jsonb_each_text(s.refusals)), 0)::int AS refused
       FROM hj212_device_stats s ORDER BY s.mn`,
  );
  return rows;
}

/** The task reminders: unit-months reminded, escalated and resolved by a late report; deadline reminders. */
export interface TaskReminderCounts {
  reminded: number;
  escalated: number;
  resolvedByReport: number;
  dueSoon: number;
  overdue: number;
}

export async function readTaskReminderCounts(db: Queryable): Promise<TaskReminderCounts> {
  const { rows } = await db.query<TaskReminderCounts>(
    `SELECT count(*) FILTER (WHERE a.kind = 'task_report_missing')::int AS reminded,
            count(*) FILTER (WHERE a.kind = 'task_report_missing'
                               AND EXISTS (SELECT 1 FROM alert_event e WHERE e.alert_id = a.id AND e.kind = 'escalated'))::int
              AS escalated,
            count(*) FILTER (WHERE a.kind = 'task_report_missing' AND a.resolved_reason = 'reported')::int
              AS "resolvedByReport",
            (SELECT count(*)::int FROM alert_event e JOIN alert d ON d.id = e.alert_id
              WHERE d.kind = 'task_due_soon' AND e.kind IN ('opened', 'reminded')) AS "dueSoon",
            count(*) FILTER (WHERE a.kind = 'task_overdue')::int AS overdue
       FROM alert a`,
  );
  return rows[0]!;
}
