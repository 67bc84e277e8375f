/**
 * Acknowledging and commenting on alerts from the API and the dashboard. The alert row is locked, checked,
 * changed, and its alert_event and audit rows written in one transaction. Acknowledging stops escalation
 * and cancels messages not yet sent: someone responsible has seen it. The state changes are the alerts
 * engine's (acknowledgeAlert, insertAlertEvent); the access checks and the audit entry are the API's.
 */
import type pg from 'pg';
import { withTransaction, type Queryable } from '../db/queryable.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import { writeAudit, type Actor } from '../auth/audit-log.js';
import { assertCanWrite, assertScopeReadable, type Principal } from '../auth/principal.js';
import { insertAlertEvent } from '../alerts/alert-queries.js';
import { acknowledgeAlert, closeAlert } from '../alerts/lifecycle.js';
import type { Clock } from '../time/shanghai.js';
import { findAlert, type AlertRow } from './queries/alert-read.js';

/** Area users act on their own area's alerts; district-wide alerts are for the district bureaus. */
export function assertAlertVisible(p: Principal, a: AlertRow): void {
  assertScopeReadable(p, { areaId: a.area_id, districtId: a.district_id });
}

async function lockAlertFor(tx: Queryable, p: Principal, id: number): Promise<AlertRow> {
  const alert = await findAlert(tx, id, { forUpdate: true });
  if (!alert) throw new NotFoundError(`no alert ${id}`);
  assertAlertVisible(p, alert);
  assertCanWrite(p);
  // An area user may read the district aggregate's alerts but not act on them.
  if (p.role === 'area' && alert.area_id !== p.areaId)
    throw new ForbiddenError('district-wide alerts are acknowledged by the district bureau');
  return alert;
}

const view = (a: AlertRow) => ({
  state: a.state,
  acknowledgedAt: a.acknowledged_at,
  acknowledgedBy: a.acknowledged_by,
  ackComment: a.ack_comment,
});

/**
 * One audited change of an alert's state by a person: lock and check access, let the alerts engine change it,
 * then write the audit row with the state before and after, all in one transaction.
 */
async function changeAlertAs(
  pool: pg.Pool,
  p: Principal,
  actor: Actor,
  id: number,
  action: 'alert.acknowledge' | 'alert.close',
  change: (tx: pg.PoolClient, before: AlertRow, by: string) => Promise<Record<string, unknown>>,
): Promise<AlertRow> {
  return withTransaction(pool, async (tx) => {
    const before = await lockAlertFor(tx, p, id);
    const extra = await change(tx, before, `user:${p.username}`);
    const after = (await findAlert(tx, id))!;
    await writeAudit(tx, actor, {
      action,
      entityType: 'alert',
      entityId: id,
      before: view(before),
      after: { ...view(after), ...extra },
    });
    return after;
  });
}

/** A person's state change of an alert with an optional comment, answered with the alert as it now is. */
export type AlertTransition = (
  pool: pg.Pool,
  p: Principal,
  actor: Actor,
  id: number,
  comment: string | null,
  clock: Clock,
) => Promise<AlertRow>;

/**
 * The alerts engine's acknowledgeAlert (stops escalation, cancels messages not yet sent). Acknowledging twice
 * is a 409 here: the caller is told, and nothing is written.
 */
export const acknowledgeAlertAs: AlertTransition = (pool, p, actor, id, comment, clock) =>
  changeAlertAs(pool, p, actor, id, 'alert.acknowledge', async (tx, before, by) => {
    const r = await acknowledgeAlert(tx, { alertId: id, actor: by, comment, at: clock.now() });
    if (r.outcome === 'already_acknowledged') {
      throw new ConflictError(
        `alert ${id} was already acknowledged by ${before.acknowledged_by ?? 'someone'}`,
      );
    }
    return { cancelledDeliveries: r.cancelledDeliveries };
  });

/**
 * Closing ends an alert's life: a resolved alert is filed away, an operational alert (a failed channel, a
 * silent source) is closed by the person who dealt with it. A firing target alert cannot be closed by hand:
 * only the data resolves it (the alerts engine refuses with a conflict).
 */
export const closeAlertAs: AlertTransition = (pool, p, actor, id, comment, clock) =>
  changeAlertAs(pool, p, actor, id, 'alert.close', async (tx, _before, by) => {
    await closeAlert(tx, { alertId: id, actor: by, comment, at: clock.now() });
    return { comment };
  });

export async function commentOnAlertAs(
  pool: pg.Pool,
  p: Principal,
  actor: Actor,
  id: number,
  text: string,
  clock: Clock,
): Promise<{ eventId: number }> {
  return withTransaction(pool, async (tx) => {
    await lockAlertFor(tx, p, id);
    await insertAlertEvent(tx, {
      alertId: id,
      kind: 'comment',
      actor: `user:${p.username}`,
      detail: { text },
      at: clock.now(),
    });
    const eventId = await latestEventId(tx, id);
    await writeAudit(tx, actor, {
      action: 'alert.comment',
      entityType: 'alert',
      entityId: id,
      after: { eventId, text },
    });
    return { eventId };
  });
}

async function latestEventId(tx: Queryable, alertId: number): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(
    `SELECT max(id)::bigint AS id FROM alert_event WHERE alert_id = $1`,
    [alertId],
  );
  return rows[0]!.id;
}
