/**
 * The verbs people use on an alert: acknowledge (by the e-mail link or the API) and close. Acknowledging
 * records who, when and why, stops escalation and drops messages not yet on their way; it does not
 * resolve — only the data does that. Closing is for alerts the data has already resolved, and for
 * operational alerts a person has dealt with.
 */
import type pg from 'pg';
import { ConflictError, NotFoundError } from '../errors.js';
import { withTransaction } from '../db/queryable.js';
import { cancelUnsentDeliveries } from '../notify/delivery-queries.js';
import { getAlert, insertAlertEvent, markAcknowledged, markClosed, type AlertRow } from './alert-queries.js';

export interface AcknowledgeInput {
  alertId: number;
  /** Who: `contact:<id>` from an e-mail link, `user:<name>` from the API. */
  actor: string;
  comment?: string | null;
  at: Date;
  /**
   * Whether a comment on an alert already acknowledged is kept as a comment event. True for signed-in users;
   * false for the e-mail/SMS links, a bearer credential anybody the message was forwarded to holds: they
   * acknowledge once, and after that add nothing (issue #20: a link kept adding comments for ever).
   */
  commentAfterAck?: boolean;
}

export interface AcknowledgeResult {
  outcome: 'acknowledged' | 'already_acknowledged';
  alert: AlertRow;
  cancelledDeliveries: number;
  /** A comment came with a repeated acknowledgement and was not recorded (commentAfterAck false). */
  commentDropped: boolean;
}

export async function acknowledgeAlert(
  db: pg.Pool | pg.PoolClient,
  input: AcknowledgeInput,
): Promise<AcknowledgeResult> {
  const comment = input.comment?.trim() ? input.comment.trim().slice(0, 2000) : null;
  return withTransaction(db, async (tx) => {
    const current = await getAlert(tx, input.alertId, { forUpdate: true });
    if (!current) throw new NotFoundError(`alert ${input.alertId} does not exist`);
    if (current.state === 'acknowledged') {
      const keep = input.commentAfterAck ?? true;
      if (comment && keep)
        await insertAlertEvent(tx, {
          alertId: current.id,
          kind: 'comment',
          actor: input.actor,
          detail: { comment },
          at: input.at,
        });
      return {
        outcome: 'already_acknowledged',
        alert: current,
        cancelledDeliveries: 0,
        commentDropped: comment !== null && !keep,
      };
    }
    if (current.state !== 'firing') {
      throw new ConflictError(
        `alert ${input.alertId} is ${current.state}; only a firing alert can be acknowledged`,
      );
    }
    const alert = (await markAcknowledged(tx, current.id, { actor: input.actor, comment, at: input.at }))!;
    await insertAlertEvent(tx, {
      alertId: alert.id,
      kind: 'acknowledged',
      actor: input.actor,
      detail: { comment },
      at: input.at,
    });
    const cancelledDeliveries = await cancelUnsentDeliveries(
      tx,
      alert.id,
      `acknowledged by ${input.actor}`,
      input.at,
    );
    return { outcome: 'acknowledged', alert, cancelledDeliveries, commentDropped: false };
  });
}

export async function closeAlert(
  db: pg.Pool | pg.PoolClient,
  input: { alertId: number; actor: string; comment?: string | null; at: Date },
): Promise<AlertRow> {
  return withTransaction(db, async (tx) => {
    const current = await getAlert(tx, input.alertId, { forUpdate: true });
    if (!current) throw new NotFoundError(`alert ${input.alertId} does not exist`);
    if (current.state === 'closed') return current;
    if (current.state !== 'resolved' && current.kind !== 'operational') {
      throw new ConflictError(
        `alert ${input.alertId} is ${current.state}: it closes after the data resolves it`,
      );
    }
    const alert = (await markClosed(tx, current.id, input.actor, input.at))!;
    await cancelUnsentDeliveries(tx, alert.id, `closed by ${input.actor}`, input.at);
    await insertAlertEvent(tx, {
      alertId: alert.id,
      kind: 'closed',
      actor: input.actor,
      detail: { comment: input.comment ?? null },
      at: input.at,
    });
    return alert;
  });
}
