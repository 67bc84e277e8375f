/**
 * Sends one delivery, at most once per claim:
 *  1. claim (one conditional statement): the row must be 'pending' and due; it becomes 'sending' with a
 *     lease, an attempt row is written (outcome NULL = in flight) and the Message-ID / OutId is fixed for good;
 *  2. send, outside any transaction;
 *  3. record the answer (one transaction).
 * A second run of the job (BullMQ is at-least-once) finds the row no longer 'pending' and does nothing.
 * A worker that dies between 1 and 3 leaves a 'sending' row whose lease expires; the sweep decides what
 * happened from that evidence (recover-leases.ts). That window — the provider has the message, we have not
 * yet written it down — is the only place a message can be repeated: for SMS the gateway drops the repeat
 * by OutId; for e-mail the attempt records when the whole message was with the server (before the final
 * "."), and only a crash after that point is ambiguous (EMAIL_AMBIGUOUS_POLICY).
 */
import { randomBytes } from 'node:crypto';
import { getAlert, type AlertRow } from '../alerts/alert-queries.js';
import type { AlertDeps } from '../alerts/alert-deps.js';
import { ackUrl, createAckToken } from '../alerts/ack-token.js';
import { withTransaction, type Queryable } from '../db/queryable.js';
import { isPermanent } from '../errors.js';
import { addDays, shanghaiDayStart, toShanghaiDay } from '../time/shanghai.js';
import { ChannelError } from './channel-error.js';
import {
  claimPending,
  countSmsForDay,
  getDelivery,
  lockAddress,
  markDataSent,
  setasideIfPending,
  type DeliveryRow,
} from './delivery-queries.js';
import {
  recordPermanentFailure,
  recordSent,
  recordTemporaryFailure,
  type OutcomeContext,
} from './delivery-outcomes.js';
import { parseStep } from './message-parts.js';
import { renderEmail } from './render-email.js';
import { renderSmsFor } from './render-sms.js';

export type SendOutcome = 'sent' | 'skipped' | 'deferred' | 'cancelled' | 'retry' | 'failed';

export interface SendResult {
  outcome: SendOutcome;
  /** Outbox rows written (fallback, operational alert) for the caller to relay right away. */
  outboxIds: number[];
}

/** A message that no longer makes sense is not sent: the alert moved on since it was planned. */
export function isStillRelevant(d: Pick<DeliveryRow, 'step'>, alert: AlertRow | null): boolean {
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

function newMessageId(d: DeliveryRow, mailDomain: string): string {
  const nonce = randomBytes(6).toString('hex');
  return d.channel === 'email' ? `<envwatch.${d.id}.${nonce}@${mailDomain}>` : `ew${d.id}-${nonce}`;
}

type Claim =
  { kind: 'claimed'; delivery: DeliveryRow; alert: AlertRow | null } | { kind: 'done'; result: SendResult };

const done = (outcome: SendOutcome, outboxIds: number[] = []): Claim => ({
  kind: 'done',
  result: { outcome, outboxIds },
});

/**
 * Reads, decides, then claims with one conditional statement — the hot path of an alert storm takes no
 * explicit transaction. What was read can only have moved on through statements that are themselves
 * conditional on 'pending' (acknowledgement cancels, another worker claims), so the claim is still exact.
 * SMS takes a transaction: the per-phone daily cap must be counted and the slot taken under one lock.
 */
async function claim(deps: AlertDeps, id: number, ctx: OutcomeContext): Promise<Claim> {
  const d = await getDelivery(deps.db, id);
  if (!d || d.status !== 'pending') return done('skipped');
  const now = ctx.now;
  if (d.not_before.getTime() > now.getTime()) {
    await setasideIfPending(deps.db, d.id, { status: 'deferred', reason: null, at: now });
    return done('deferred');
  }
  const alert = d.alert_id === null ? null : await getAlert(deps.db, d.alert_id);
  if (!isStillRelevant(d, alert)) {
    await setasideIfPending(deps.db, d.id, {
      status: 'cancelled',
      reason: `alert is ${alert?.state ?? 'gone'}`,
      at: now,
    });
    return done('cancelled');
  }
  const claimArgs = {
    leaseUntil: new Date(now.getTime() + deps.settings.leaseMs),
    messageId: newMessageId(d, deps.mailDomain),
    at: now,
  };
  if (d.channel === 'email') {
    const claimed = await claimPending(deps.db, d.id, claimArgs);
    return claimed ? { kind: 'claimed', delivery: claimed, alert } : done('skipped');
  }
  return withTransaction(deps.db, async (tx) => {
    const capped = await overDailyCap(tx, d, deps.settings.smsDailyCapPerPhone, now);
    const claimed = await claimPending(tx, d.id, claimArgs);
    if (!claimed) return done('skipped');
    if (!capped) return { kind: 'claimed', delivery: claimed, alert };
    const err = new ChannelError(
      `daily SMS cap of ${deps.settings.smsDailyCapPerPhone} reached for this number`,
      'sms',
      false,
      'daily-cap',
    );
    return done('failed', await recordPermanentFailure(tx, claimed, alert, err, ctx));
  });
}

async function overDailyCap(tx: Queryable, d: DeliveryRow, cap: number, now: Date): Promise<boolean> {
  await lockAddress(tx, d.address); // held to commit: two workers cannot both take the last slot
  const day = toShanghaiDay(now);
  const sent = await countSmsForDay(tx, d.address, shanghaiDayStart(day), shanghaiDayStart(addDays(day, 1)));
  return sent >= cap;
}

async function digestItems(db: Queryable, digestId: number): Promise<AlertRow[]> {
  const { rows } = await db.query<AlertRow>(
    `SELECT a.* FROM delivery i JOIN alert a ON a.id = i.alert_id
      WHERE i.digest_id = $1
      ORDER BY CASE a.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, a.opened_at, a.id`,
    [digestId],
  );
  return rows;
}

async function transmit(deps: AlertDeps, d: DeliveryRow, alert: AlertRow | null, now: Date) {
  const isDigest = parseStep(d.step).kind === 'digest';
  const items = isDigest ? await digestItems(deps.db, d.fallback_of ?? d.id) : [];
  if (d.channel === 'email') {
    const ackLink = (a: AlertRow) =>
      ackUrl(
        deps.settings.publicBaseUrl,
        createAckToken(deps.settings.appSecret, {
          alertId: a.id,
          contactId: d.recipient_id,
          expiresAt: now.getTime() + deps.settings.ackTokenTtlMs,
        }),
      );
    const mail = renderEmail({ delivery: d, alert, items, ackLink, now });
    const r = await deps.channels.email.send(
      {
        to: d.address,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: d.message_id!,
        headers: { 'X-Envwatch-Delivery': d.idempotency_key },
        date: now,
      },
      // The evidence recover-leases.ts decides by: written before the terminating "." goes out.
      { beforeDataEnd: () => markDataSent(deps.db, d.id, d.attempts, deps.clock.now()) },
    );
    return { providerMessageId: r.providerMessageId, response: r.response };
  }
  const sms = renderSmsFor({
    delivery: d,
    alert,
    digestCount: items.length,
    signName: deps.channels.sms.signName,
    codes: deps.smsCodes,
    now,
  });
  const r = await deps.channels.sms.send({
    phone: d.address,
    templateCode: sms.templateCode,
    params: sms.params,
    outId: d.message_id!,
  });
  return {
    providerMessageId: r.providerMessageId,
    response: r.duplicate
      ? `${r.response} (OutId seen before: the gateway did not send it again)`
      : r.response,
  };
}

export async function sendDelivery(deps: AlertDeps, deliveryId: number): Promise<SendResult> {
  const ctx = (): OutcomeContext => ({
    now: deps.clock.now(),
    settings: deps.settings,
    smsEnabled: deps.channels.sms.enabled,
  });
  const c = await claim(deps, deliveryId, ctx());
  if (c.kind === 'done') return c.result;
  const { delivery: d, alert } = c;
  let answer: { providerMessageId: string; response: string };
  try {
    answer = await transmit(deps, d, alert, deps.clock.now());
  } catch (err) {
    const temporary = !isPermanent(err);
    deps.logger.warn(
      {
        deliveryId: d.id,
        channel: d.channel,
        attempt: d.attempts,
        temporary,
        code: err instanceof ChannelError ? err.responseCode : null,
      },
      'delivery attempt failed',
    );
    return withTransaction(deps.db, async (tx) => {
      if (temporary) return recordTemporaryFailure(tx, d, alert, err, ctx());
      return {
        outcome: 'failed' as const,
        outboxIds: await recordPermanentFailure(tx, d, alert, err, ctx()),
      };
    });
  }
  await withTransaction(deps.db, (tx) => recordSent(tx, d, answer, deps.clock.now()));
  return { outcome: 'sent', outboxIds: [] };
}
