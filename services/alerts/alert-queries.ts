/** Alert rows and their event log: one named function per statement. */
import { oneOrNull, type Queryable, type RowLock } from '../db/queryable.js';

export type AlertKind =
  | 'target'
  | 'stale_source'
  | 'heavy_pollution_warning'
  | 'operational'
  | 'task_overdue'
  | 'task_report_missing'
  | 'task_due_soon';
export type AlertState = 'firing' | 'acknowledged' | 'resolved' | 'closed';
export type Severity = 'critical' | 'warning' | 'notice';

export interface AlertFacts {
  // A map of id lists is the one nested shape: an escalated report reminder keeps which official leads which
  // missing task (tasksByLead), so each lead official is told only theirs (task-report-lead-item.ts).
  [key: string]: string | number | boolean | null | undefined | Readonly<Record<string, readonly string[]>>;
}

export interface AlertRow {
  id: number;
  kind: AlertKind;
  dedupe_key: string;
  target_id: string | null;
  scope_id: string | null;
  period_key: string | null;
  source_id: string | null;
  warning_id: number | null;
  warning_level: string | null;
  district_id: string | null;
  directory_year: number;
  state: AlertState;
  severity: Severity;
  urgent: boolean;
  condition: string;
  title_zh: string;
  title_en: string;
  body_zh: string;
  body_en: string;
  facts: AlertFacts;
  evaluation_id: number | null;
  revision: number;
  opened_at: Date;
  fired_at: Date;
  updated_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  ack_comment: string | null;
  resolved_at: Date | null;
  resolved_reason: string | null;
  closed_at: Date | null;
  escalation_step: number;
  next_escalation_at: Date | null;
  deadline_at: Date | null;
}

export interface NewAlert {
  kind: AlertKind;
  dedupeKey: string;
  targetId?: string | null;
  scopeId?: string | null;
  periodKey?: string | null;
  sourceId?: string | null;
  warningId?: number | null;
  warningLevel?: string | null;
  districtId: string | null;
  directoryYear: number;
  severity: Severity;
  urgent: boolean;
  condition: string;
  text: AlertText;
  evaluationId?: number | null;
  deadlineAt?: Date | null;
  nextEscalationAt?: Date | null;
  at: Date;
}

/** The alert_event written in the same statement as the change it records. */
export interface EventSpec {
  kind: string;
  actor?: string | null;
  detail?: Record<string, unknown>;
}

export interface AlertText {
  titleZh: string;
  titleEn: string;
  bodyZh: string;
  bodyEn: string;
  facts: AlertFacts;
}

/** Serialises every change to one alert key (open/update/resolve may race from several workers). */
export async function lockAlertKey(db: Queryable, dedupeKey: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('envwatch:alert:' || $1))`, [dedupeKey]);
}

export async function findLiveAlert(
  db: Queryable,
  dedupeKey: string,
  opts: { lock?: boolean } = {},
): Promise<AlertRow | null> {
  const { rows } = await db.query<AlertRow>(
    `SELECT * FROM alert WHERE dedupe_key = $1 AND state <> 'closed'${opts.lock === false ? '' : ' FOR UPDATE'}`,
    [dedupeKey],
  );
  return rows[0] ?? null;
}

export function getAlert(db: Queryable, id: number, opts: RowLock = {}): Promise<AlertRow | null> {
  return oneOrNull<AlertRow>(db, `SELECT * FROM alert WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [
    id,
  ]);
}

/** Inserts an alert and its 'opened' event in one statement (alert storms open thousands at once). */
export async function insertAlert(
  db: Queryable,
  a: NewAlert,
  event: EventSpec = { kind: 'opened' },
): Promise<AlertRow> {
  const { rows } = await db.query<AlertRow>(
    `WITH a AS (
       INSERT INTO alert (kind, dedupe_key, target_id, scope_id, period_key, source_id, warning_id, warning_level,
         district_id, directory_year, severity, urgent, condition, title_zh, title_en, body_zh, body_en, facts,
         evaluation_id, deadline_at, next_escalation_at, opened_at, fired_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22, $22)
       RETURNING *
     ), e AS (
       INSERT INTO alert_event (alert_id, kind, actor, detail, at) SELECT id, $23::text, $24::text, $25::jsonb, $22 FROM a
     )
     SELECT * FROM a`,
    [
      a.kind,
      a.dedupeKey,
      a.targetId ?? null,
      a.scopeId ?? null,
      a.periodKey ?? null,
      a.sourceId ?? null,
      a.warningId ?? null,
      a.warningLevel ?? null,
      a.districtId,
      a.directoryYear,
      a.severity,
      a.urgent,
      a.condition,
      a.text.titleZh,
      a.text.titleEn,
      a.text.bodyZh,
      a.text.bodyEn,
      JSON.stringify(a.text.facts),
      a.evaluationId ?? null,
      a.deadlineAt ?? null,
      a.nextEscalationAt ?? null,
      a.at,
      event.kind,
      event.actor ?? null,
      JSON.stringify(event.detail ?? {}),
    ],
  );
  return rows[0]!;
}

export interface ConditionUpdate {
  condition: string;
  severity: Severity;
  urgent: boolean;
  text: AlertText;
  evaluationId?: number | null;
  warningLevel?: string | null;
  /** Omitted: unchanged. */
  nextEscalationAt?: Date | null;
  at: Date;
}

/** A later evaluation or warning revision: new condition, severity and text on the same alert (and its event). */
export async function updateAlertCondition(
  db: Queryable,
  id: number,
  u: ConditionUpdate,
  event?: EventSpec,
): Promise<AlertRow> {
  const { rows } = await db.query<AlertRow>(
    `WITH a AS (
       UPDATE alert SET condition = $2, severity = $3, urgent = $4, title_zh = $5, title_en = $6, body_zh = $7,
              body_en = $8, facts = $9, evaluation_id = coalesce($10, evaluation_id),
              warning_level = coalesce($11, warning_level), updated_at = $12,
              next_escalation_at = CASE WHEN $13::boolean THEN $14::timestamptz ELSE next_escalation_at END
        WHERE id = $1 RETURNING *
     ), e AS (
       INSERT INTO alert_event (alert_id, kind, actor, detail, at)
       SELECT id, $15::text, $16::text, $17::jsonb, $12 FROM a WHERE $15::text IS NOT NULL
     )
     SELECT * FROM a`,
    [
      id,
      u.condition,
      u.severity,
      u.urgent,
      u.text.titleZh,
      u.text.titleEn,
      u.text.bodyZh,
      u.text.bodyEn,
      JSON.stringify(u.text.facts),
      u.evaluationId ?? null,
      u.warningLevel ?? null,
      u.at,
      u.nextEscalationAt !== undefined,
      u.nextEscalationAt ?? null,
      event?.kind ?? null,
      event?.actor ?? null,
      JSON.stringify(event?.detail ?? {}),
    ],
  );
  return rows[0]!;
}

/** Back to 'firing' after a resolution in the same period: a new revision with its own deliveries. */
export async function reopenAlert(db: Queryable, id: number, at: Date): Promise<AlertRow> {
  const { rows } = await db.query<AlertRow>(
    `UPDATE alert SET state = 'firing', revision = revision + 1, fired_at = $2, updated_at = $2, resolved_at = NULL,
            resolved_reason = NULL, acknowledged_at = NULL, acknowledged_by = NULL, ack_comment = NULL,
            escalation_step = 0, next_escalation_at = NULL
      WHERE id = $1 RETURNING *`,
    [id, at],
  );
  return rows[0]!;
}

/** A heavy-pollution warning changed level: a new revision, so the new level is announced once more. */
export async function bumpAlertRevision(db: Queryable, id: number): Promise<number> {
  const { rows } = await db.query<{ revision: number }>(
    `UPDATE alert SET revision = revision + 1 WHERE id = $1 RETURNING revision`,
    [id],
  );
  return rows[0]!.revision;
}

export async function setNextEscalation(
  db: Queryable,
  id: number,
  next: Date | null,
  step?: number,
): Promise<void> {
  await db.query(
    `UPDATE alert SET next_escalation_at = $2, escalation_step = coalesce($3, escalation_step) WHERE id = $1`,
    [id, next, step ?? null],
  );
}

/** firing → acknowledged; returns null when the alert was not firing. */
export async function markAcknowledged(
  db: Queryable,
  id: number,
  ack: { actor: string; comment: string | null; at: Date },
): Promise<AlertRow | null> {
  const { rows } = await db.query<AlertRow>(
    `UPDATE alert SET state = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3, ack_comment = $4,
            next_escalation_at = NULL, updated_at = $2
      WHERE id = $1 AND state = 'firing' RETURNING *`,
    [id, ack.at, ack.actor, ack.comment],
  );
  return rows[0] ?? null;
}

export async function markResolved(
  db: Queryable,
  id: number,
  reason: string,
  at: Date,
): Promise<AlertRow | null> {
  const { rows } = await db.query<AlertRow>(
    `UPDATE alert SET state = 'resolved', resolved_at = $2, resolved_reason = $3, next_escalation_at = NULL,
            updated_at = $2
      WHERE id = $1 AND state IN ('firing', 'acknowledged') RETURNING *`,
    [id, at, reason],
  );
  return rows[0] ?? null;
}

/**
 * Resolves the live alert under `dedupeKey` with its event, in one statement: run on the delivery hot path
 * (every accepted message clears the operational alert about its contact being unreachable, if any).
 */
/** Resolves the live alerts with any of these keys (one statement: it runs after every accepted delivery). */
export async function resolveLiveByKeys(
  db: Queryable,
  dedupeKeys: readonly string[],
  reason: string,
  at: Date,
): Promise<void> {
  await db.query(
    `WITH o AS (
       UPDATE alert SET state = 'resolved', resolved_at = $2, resolved_reason = $3, next_escalation_at = NULL,
              updated_at = $2
        WHERE dedupe_key = ANY($1::text[]) AND state IN ('firing', 'acknowledged') RETURNING id
     )
     INSERT INTO alert_event (alert_id, kind, detail, at)
     SELECT id, 'resolved', jsonb_build_object('reason', $3::text), $2 FROM o`,
    [dedupeKeys, at, reason],
  );
}

export async function markClosed(db: Queryable, id: number, by: string, at: Date): Promise<AlertRow | null> {
  const { rows } = await db.query<AlertRow>(
    `UPDATE alert SET state = 'closed', closed_at = $2, closed_by = $3, next_escalation_at = NULL, updated_at = $2
      WHERE id = $1 AND state <> 'closed' RETURNING *`,
    [id, at, by],
  );
  return rows[0] ?? null;
}

export async function insertAlertEvent(
  db: Queryable,
  e: { alertId: number; kind: string; actor?: string | null; detail?: Record<string, unknown>; at: Date },
): Promise<void> {
  await db.query(`INSERT INTO alert_event (alert_id, kind, actor, detail, at) VALUES ($1, $2, $3, $4, $5)`, [
    e.alertId,
    e.kind,
    e.actor ?? null,
    JSON.stringify(e.detail ?? {}),
    e.at,
  ]);
}

/** Firing alerts whose next escalation is due, locked so two sweeps never escalate the same alert. */
export async function claimDueEscalations(db: Queryable, now: Date, limit: number): Promise<AlertRow[]> {
  const { rows } = await db.query<AlertRow>(
    `SELECT * FROM alert WHERE state = 'firing' AND next_escalation_at <= $1
      ORDER BY next_escalation_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows;
}

/** Resolved alerts that may be closed: target alerts once their period is over, others after a grace time. */
export async function closeSettledAlerts(
  db: Queryable,
  now: Date,
  today: string,
  graceMs: number,
): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `UPDATE alert SET state = 'closed', closed_at = $1::timestamptz, closed_by = 'system', updated_at = $1::timestamptz
      WHERE state = 'resolved'
        AND ((kind = 'target' AND envwatch_period_end(period_key) < $2::date)
             OR (kind <> 'target' AND resolved_at <= $1::timestamptz - make_interval(secs => $3::float8 / 1000.0)))
      RETURNING id`,
    [now, today, graceMs],
  );
  return rows.map((r) => r.id);
}
