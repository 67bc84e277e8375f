/**
 * Reads behind the dashboard's operations pages and the delivery history that no JSON route serves in this shape: a
 * station's hours received this month, and deliveries filtered by person with their totals. Read-only.
 */
import type { Queryable } from '../../db/queryable.js';
import type { DeliveryRow } from './alert-read.js';

export interface StationCoverageRow {
  id: string;
  name_zh: string;
  name_en: string;
  area_id: string | null;
  is_example: boolean;
  received_hours: number;
  last_value: number | null;
  last_at: Date | null;
}

/**
 * PM2.5 hours each air station of a district delivered in [from, to). One index range per station (the
 * measurement key is series, metric, ts), so the page costs a few ms per station, not a scan.
 */
export async function readStationCoverage(
  db: Queryable,
  f: { districtId: string; areaIds: readonly string[] | null; metric: string; from: Date; to: Date },
): Promise<StationCoverageRow[]> {
  const { rows } = await db.query<StationCoverageRow>(
    `SELECT s.id, s.name_zh, s.name_en, s.area_id, s.is_example,
            coalesce(h.n, 0)::int AS received_hours, l.value AS last_value, l.ts AS last_at
       FROM site s
       LEFT JOIN LATERAL (
         SELECT count(DISTINCT date_trunc('hour', m.ts)) AS n FROM measurement m
          WHERE m.series_id = s.id AND m.metric_id = $3 AND m.ts >= $4 AND m.ts < $5) h ON true
       LEFT JOIN LATERAL (
         SELECT m.value, m.ts FROM measurement m
          WHERE m.series_id = s.id AND m.metric_id = $3 AND m.ts < $5
          ORDER BY m.ts DESC LIMIT 1) l ON true
      WHERE s.kind = 'air_station' AND s.district_id = $1 AND ($2::text[] IS NULL OR s.area_id = ANY($2))
      ORDER BY s.area_id NULLS FIRST, s.id`,
    [f.districtId, f.areaIds, f.metric, f.from, f.to],
  );
  return rows;
}

export interface DeliveryFilter {
  recipientId: string | null;
  channel: string | null;
  failedOnly: boolean;
  /**
   * Only deliveries of alerts of these districts (a scoped bureau: its streets/towns' alerts and its district's
   * own, as /api/deliveries); null = every delivery.
   */
  districtIds: readonly string[] | null;
  beforeId: number | null;
  limit: number;
}

/** A delivery as the alert page lists it, less the addresses and receipt details, plus its alert's title. */
export interface DeliveryHistoryRow extends Pick<
  DeliveryRow,
  | 'id'
  | 'alert_id'
  | 'recipient_id'
  | 'recipient_name'
  | 'channel'
  | 'step'
  | 'status'
  | 'attempts'
  | 'last_error'
  | 'created_at'
  | 'sent_at'
  | 'receipt_status'
> {
  alert_title: string | null;
}

const DELIVERY_SCOPE = `
       FROM delivery dl
       LEFT JOIN contact c ON c.id = dl.recipient_id
       LEFT JOIN alert a ON a.id = dl.alert_id
       LEFT JOIN area ar ON ar.id = a.scope_id
       LEFT JOIN site s ON s.id = a.scope_id
       LEFT JOIN district d ON d.id = a.scope_id
      WHERE ($1::text IS NULL OR dl.recipient_id = $1) AND ($2::text IS NULL OR dl.channel = $2)
        AND (NOT $3 OR dl.status = 'failed' OR dl.receipt_status = 'failed')
        AND ($4::text[] IS NULL OR coalesce(ar.district_id, s.district_id, d.id, a.district_id) = ANY($4))`;

/** Newest first, paged by id; a failure is a failed delivery or a carrier receipt that says failed. */
export async function listDeliveryHistory(db: Queryable, f: DeliveryFilter): Promise<DeliveryHistoryRow[]> {
  const { rows } = await db.query<DeliveryHistoryRow>(
    `SELECT dl.id, dl.alert_id, a.title_zh AS alert_title, dl.recipient_id, c.name_zh AS recipient_name, dl.channel,
            dl.step, dl.status, dl.attempts, dl.last_error, dl.created_at, dl.sent_at, dl.receipt_status
     ${DELIVERY_SCOPE} AND ($5::bigint IS NULL OR dl.id < $5)
      ORDER BY dl.id DESC LIMIT $6`,
    [f.recipientId, f.channel, f.failedOnly, f.districtIds, f.beforeId, f.limit],
  );
  return rows;
}

export interface DeliveryTotalsRow {
  recipient_id: string;
  recipient_name: string | null;
  channel: string;
  total: number;
  sent: number;
  failed: number;
  pending: number;
}

/** Per person and channel, over the same filter (without paging): who is reached, who is not. */
export async function readDeliveryTotals(
  db: Queryable,
  f: Omit<DeliveryFilter, 'beforeId' | 'limit'>,
): Promise<DeliveryTotalsRow[]> {
  const { rows } = await db.query<DeliveryTotalsRow>(
    `SELECT dl.recipient_id, max(c.name_zh) AS recipient_name, dl.channel, count(*)::int AS total,
            count(*) FILTER (WHERE dl.status = 'sent' AND dl.receipt_status IS DISTINCT FROM 'failed')::int AS sent,
            count(*) FILTER (WHERE dl.status = 'failed' OR dl.receipt_status = 'failed')::int AS failed,
            count(*) FILTER (WHERE dl.status IN ('pending', 'deferred', 'sending'))::int AS pending
     ${DELIVERY_SCOPE}
      GROUP BY dl.recipient_id, dl.channel
      ORDER BY failed DESC, total DESC, dl.recipient_id, dl.channel
      LIMIT 200`,
    [f.recipientId, f.channel, f.failedOnly, f.districtIds],
  );
  return rows;
}
