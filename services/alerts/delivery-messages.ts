/**
 * The alerts side of notify's MessageSource: what a delivery of an alert says when it goes out — the
 * alert as it is now (its words, facts, who acknowledged it), whether the delivery still makes sense, and
 * the signed acknowledgement link for its recipient. Notify renders and sends; it never reads an alert.
 */
import type { Queryable } from '../db/queryable.js';
import type { Composed, MessageItem, MessageSource } from '../notify/message.js';
import { parseStep } from '../notify/message-parts.js';
import { ackUrl, createAckToken, createShortAckToken } from './ack-token.js';
import { getAlert, type AlertRow } from './alert-queries.js';
import type { AlertSettings } from './alert-settings.js';
import { itemForRecipient } from './task-report-lead-item.js';

/** A message that no longer makes sense is not sent: the alert moved on since it was planned. */
export function isStillRelevant(d: { step: string }, alert: AlertRow | null): boolean {
  if (!alert) return true; // a digest
  if (alert.state === 'closed') return false;
  const { kind } = parseStep(d.step);
  // Steps end in the alert revision they were planned for; an older one belongs to a past firing (target
  // alerts reopen) or a superseded warning level.
  const revision = Number(/:(\d+)(?:~fallback)?$/.exec(d.step)?.[1] ?? alert.revision);
  if (revision < alert.revision) return false;
  switch (kind) {
    case 'escalation':
    case 'deadline':
      return alert.state === 'firing'; // acknowledgement stops escalation
    case 'open':
      // Someone of the unit acknowledged: colleagues' messages still waiting (night-time SMS) are moot.
      return alert.kind === 'target'
        ? alert.state === 'firing'
        : alert.state === 'firing' || alert.state === 'acknowledged';
    case 'breached':
    case 'warning':
      // A worsening to a breach, a warning level: news even after an acknowledgement.
      return alert.state === 'firing' || alert.state === 'acknowledged';
    default:
      return true;
  }
}

export function messageItem(a: AlertRow): MessageItem {
  return {
    id: a.id,
    kind: a.kind,
    state: a.state,
    titleZh: a.title_zh,
    titleEn: a.title_en,
    bodyZh: a.body_zh,
    bodyEn: a.body_en,
    facts: a.facts,
    firedAt: a.fired_at,
    acknowledgedAt: a.acknowledged_at,
    acknowledgedBy: a.acknowledged_by,
  };
}

/**
 * The alerts a digest or group gathers, once each (two steps of one alert due for one person — opened,
 * then worsened — are one entry in its state now: the demo's mail listed one breach twice), most severe
 * first, then oldest first.
 */
async function digestAlerts(db: Queryable, ids: readonly number[]): Promise<AlertRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<AlertRow>(
    `SELECT a.* FROM alert a WHERE a.id = ANY ($1::bigint[])
      ORDER BY CASE a.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, a.opened_at, a.id`,
    [ids],
  );
  return rows;
}

export function alertMessageSource(
  settings: Pick<AlertSettings, 'publicBaseUrl' | 'appSecret' | 'ackTokenTtlMs'>,
): MessageSource {
  const ackLink = (item: MessageItem, recipientId: string, now: Date) =>
    ackUrl(
      settings.publicBaseUrl,
      createAckToken(settings.appSecret, {
        alertId: item.id,
        contactId: recipientId,
        expiresAt: now.getTime() + settings.ackTokenTtlMs,
      }),
    );
  // Only an alert still waiting for someone is worth a link to acknowledge it.
  const smsAckCode = (item: MessageItem, deliveryId: number) =>
    item.state === 'firing' && item.kind !== 'operational'
      ? createShortAckToken(settings.appSecret, deliveryId)
      : null;
  return {
    async compose(db, d, digestItemIds): Promise<Composed> {
      const alert = d.alert_id === null ? null : await getAlert(db, d.alert_id);
      if (!isStillRelevant(d, alert)) return { send: false, reason: `alert is ${alert?.state ?? 'gone'}` };
      // Each recipient reads an item as it concerns them (a lead official: the tasks they lead). One at a
      // time: a group is composed on the client of its claiming transaction.
      const forRecipient = (a: AlertRow) => itemForRecipient(db, messageItem(a), d.recipient_id);
      const items: MessageItem[] = [];
      for (const a of await digestAlerts(db, digestItemIds)) items.push(await forRecipient(a));
      const item = alert && (await forRecipient(alert));
      return { send: true, message: { item, items, ackLink, smsAckCode } };
    },
  };
}
