/**
 * Alerts as the inbox shows them. An alert's area is its scope when the scope is a street/town, or the
 * site's area when the scope is a site (a water section, a station); district-wide alerts have none.
 */
import { oneOrNull, type Queryable, type RowLock } from '../../db/queryable.js';

export interface AlertRow {
  id: number;
  kind: string;
  target_id: string | null;
  scope_id: string | null;
  area_id: string | null;
  area_name_zh: string | null;
  area_name_en: string | null;
  district_id: string | null;
  period_key: string | null;
  state: 'firing' | 'acknowledged' | 'resolved' | 'closed';
  severity: 'critical' | 'warning' | 'notice';
  condition: string;
  title_zh: string;
  title_en: string;
  body_zh: string;
  body_en: string;
  opened_at: Date;
  updated_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  ack_comment: string | null;
  resolved_at: Date | null;
  escalation_step: number;
  /**
   * The short values the messages quote (value, threshold, unit, deadline, due day, …), for the inbox card's
   * key figure; an escalation's official → tasks map is left out (only its deliveries read it).
   */
  facts: Record<string, unknown>;
  /** The rule kind of a target alert (what its value counts: a mean, a class, times ranked last, days). */
  rule_kind: string | null;
}

const ALERT_FROM = `alert a
  LEFT JOIN area ar ON ar.id = a.scope_id
  LEFT JOIN site s ON s.id = a.scope_id
  LEFT JOIN area sa ON sa.id = s.area_id
  LEFT JOIN district d ON d.id = a.scope_id
  LEFT JOIN target tg ON tg.id = a.target_id`;

/** The district an alert belongs to: its street/town's, its site's, the district scope itself, or its own. */
const ALERT_DISTRICT = 'coalesce(ar.district_id, s.district_id, d.id, a.district_id)';

const ALERT_COLUMNS = `a.id, a.kind, a.target_id, a.scope_id, coalesce(ar.id, s.area_id) AS area_id,
  coalesce(ar.short_zh, sa.short_zh) AS area_name_zh, coalesce(ar.name_en, sa.name_en) AS area_name_en,
  ${ALERT_DISTRICT} AS district_id, a.period_key, a.state, a.severity, a.condition,
  a.title_zh, a.title_en, a.body_zh, a.body_en, a.opened_at, a.updated_at, a.acknowledged_at, a.acknowledged_by,
  a.ack_comment, a.resolved_at, a.escalation_step, a.facts - 'tasksByLead' AS facts,
  tg.rule_kind`;

export interface AlertFilter {
  states: readonly string[] | null;
  severity: string | null;
  kind: string | null;
  areaId: string | null;
  targetId: string | null;
  /** A scoped bureau's districts (null: every district); in SQL, so a page of 50 is 50 of its own rows. */
  districtIds?: readonly string[] | null;
  beforeId: number | null;
  limit: number;
}

export async function listAlerts(db: Queryable, f: AlertFilter): Promise<AlertRow[]> {
  const { rows } = await db.query<AlertRow>(
    `SELECT ${ALERT_COLUMNS} FROM ${ALERT_FROM}
      WHERE ($1::text[] IS NULL OR a.state = ANY ($1)) AND ($2::text IS NULL OR a.severity = $2)
        AND ($3::text IS NULL OR a.kind = $3) AND ($4::text IS NULL OR coalesce(ar.id, s.area_id) = $4)
        AND ($5::text IS NULL OR a.target_id = $5) AND ($6::bigint IS NULL OR a.id < $6)
        AND ($8::text[] IS NULL OR ${ALERT_DISTRICT} = ANY ($8))
      ORDER BY a.id DESC LIMIT $7`,
    [f.states, f.severity, f.kind, f.areaId, f.targetId, f.beforeId, f.limit, f.districtIds ?? null],
  );
  return rows;
}

export function findAlert(db: Queryable, id: number, opts: RowLock = {}): Promise<AlertRow | null> {
  return oneOrNull<AlertRow>(
    db,
    `SELECT ${ALERT_COLUMNS} FROM ${ALERT_FROM} WHERE a.id = $1 ${opts.forUpdate ? 'FOR UPDATE OF a' : ''}`,
    [id],
  );
}

export interface AlertEventRow {
  id: number;
  at: Date;
  kind: string;
  actor: string | null;
  detail: unknown;
}

export async function listAlertEvents(db: Queryable, alertId: number): Promise<AlertEventRow[]> {
  const { rows } = await db.query<AlertEventRow>(
    `SELECT id, at, kind, actor, detail FROM alert_event WHERE alert_id = $1 ORDER BY at, id`,
    [alertId],
  );
  return rows;
}

export interface DeliveryRow {
  id: number;
  alert_id: number | null;
  recipient_id: string;
  recipient_name: string | null;
  recipient_email: string | null;
  recipient_mobile: string | null;
  /** The e-mail address or mobile number the delivery went to, as it was at the time. */
  address: string | null;
  recipient_role: string;
  channel: string;
  step: string;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
  /** SMS: what the carrier reported (delivered / failed), null while no report has come. */
  receipt_status: 'delivered' | 'failed' | null;
  receipt_code: string | null;
  receipt_at: Date | null;
}

export async function listDeliveries(
  db: Queryable,
  f: {
    alertId: number | null;
    areaId: string | null;
    status: string | null;
    channel: string | null;
    /** A scoped bureau's districts (null: every district): deliveries of those districts' alerts. */
    districtIds?: readonly string[] | null;
    beforeId: number | null;
    limit: number;
  },
): Promise<DeliveryRow[]> {
  const { rows } = await db.query<DeliveryRow>(
    `SELECT dl.id, dl.alert_id, dl.recipient_id, c.name_zh AS recipient_name, c.email AS recipient_email,
            c.mobile AS recipient_mobile, dl.address, dl.recipient_role, dl.channel, dl.step, dl.status, dl.attempts, dl.last_error, dl.created_at,
            dl.sent_at, dl.receipt_status, dl.receipt_code, dl.receipt_at
       FROM delivery dl
       LEFT JOIN contact c ON c.id = dl.recipient_id
       LEFT JOIN alert a ON a.id = dl.alert_id
       LEFT JOIN area ar ON ar.id = a.scope_id
       LEFT JOIN site s ON s.id = a.scope_id
       LEFT JOIN district d ON d.id = a.scope_id
      WHERE ($1::bigint IS NULL OR dl.alert_id = $1) AND ($2::text IS NULL OR coalesce(ar.id, s.area_id) = $2)
        AND ($3::text IS NULL OR dl.status = $3) AND ($4::text IS NULL OR dl.channel = $4)
        AND ($5::bigint IS NULL OR dl.id < $5)
        AND ($7::text[] IS NULL OR ${ALERT_DISTRICT} = ANY ($7))
      ORDER BY dl.id DESC LIMIT $6`,
    [f.alertId, f.areaId, f.status, f.channel, f.beforeId, f.limit, f.districtIds ?? null],
  );
  return rows;
}
