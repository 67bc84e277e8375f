/**
 * Sends one delivery, at most once per claim:
 *  1. claim (one conditional statement): the row must be 'pending' and due; it becomes 'sending' with a
 *     lease, an attempt row is written (outcome NULL = in flight) and the Message-ID / OutId is fixed for good;
 *  2. send, outside any transaction;
 *  3. record the answer (one transaction).
 * A second run of the job (BullMQ is at-least-once) finds the row no longer 'pending' and does nothing.
 * A worker that dies between 1 and 3 leaves a 'sending' row whose lease expires; the sweep decides what
 * happened from that evidence (recover-leases.ts). That window — the provider has the message, we have not
 * yet written it down — is the only place a message can be repeated. The attempt records when that window
 * opened: for e-mail when the whole message was with the server (before the final "."), for SMS when the
 * request left (no provider deduplicates a repeat). Only a crash after that point is ambiguous
 * (EMAIL_AMBIGUOUS_POLICY, SMS_AMBIGUOUS_POLICY).
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { withTransaction, type Queryable } from '../db/queryable.js';
import { isPermanent } from '../errors.js';
import type { Logger } from '../logging.js';
import { addDays, shanghaiDayStart, toShanghaiDay, type Clock } from '../time/shanghai.js';
import { ChannelError } from './channel-error.js';
import { BASE_LEAD_MS, TIMER_TOLERANCE_MS } from './group-send-lead.js';
import { attachGroupItems, lockGroupKeys } from './group-queries.js';
import type { NotifyChannels } from './channels.js';
import {
  claimPending,
  countSmsForDay,
  digestItemIds,
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
import type { DeliveryOutcomes, DeliverySettings, Message, MessageItem, MessageSource } from './message.js';
import { parseStep } from './message-parts.js';
import { renderEmail } from './render-email.js';
import { renderSmsFor } from './render-sms.js';

export type SendOutcome = 'sent' | 'skipped' | 'deferred' | 'cancelled' | 'retry' | 'failed';

export interface SendResult {
  outcome: SendOutcome;
  /** Outbox rows written (fallback, operational alert) for the caller to relay right away. */
  outboxIds: number[];
}

/** What sending needs from the runtime; AlertDeps (alerts/alert-deps.ts) is one. */
export interface NotifyDeps {
  db: pg.Pool;
  clock: Clock;
  channels: NotifyChannels;
  logger: Logger;
  settings: DeliverySettings;
  smsCodes: Readonly<Record<string, string>>;
  /** SMS acknowledgement links (SMS_ACK_LINKS): the fixed base of the *_ack templates; null = none. */
  smsAck: { base: string; segments: number } | null;
  /** The domain of MAIL_FROM, for Message-IDs. */
  mailDomain: string;
  /** What a delivery says, from the layer that planned it. */
  messages: MessageSource;
  /** What a delivery's end means, decided by the layer that planned it. */
  outcomes: DeliveryOutcomes;
}

function newMessageId(d: DeliveryRow, mailDomain: string): string {
  const nonce = randomBytes(6).toString('hex');
  return d.channel === 'email' ? `<envwatch.${d.id}.${nonce}@${mailDomain}>` : `ew${d.id}-${nonce}`;
}

/**
 * How early a group head may be claimed: its job carries the instant its send lead starts (group-send-lead.ts);
 * a job without one (queued by an earlier version, re-created by the sweep) a second, as before.
 */
function groupEarlyMs(d: DeliveryRow, startAt: number | undefined): number {
  const lead = startAt === undefined ? BASE_LEAD_MS : Math.max(0, d.not_before.getTime() - startAt);
  return lead + TIMER_TOLERANCE_MS;
}

type Claim =
  { kind: 'claimed'; delivery: DeliveryRow; message: Message } | { kind: 'done'; result: SendResult };

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
async function claim(
  deps: NotifyDeps,
  id: number,
  ctx: OutcomeContext,
  startAt: number | undefined,
): Promise<Claim> {
  const d = await getDelivery(deps.db, id);
  if (!d || d.status !== 'pending') return done('skipped');
  const now = ctx.now;
  const { kind, fallback } = parseStep(d.step);
  // A group head's job is delayed in BullMQ to its send lead before its not_before (group-send-lead.ts);
  // fired a moment earlier still (timer granularity, clocks of two hosts) it goes rather than waiting for
  // the sweep.
  const early = kind === 'group' ? groupEarlyMs(d, startAt) : 0;
  if (d.not_before.getTime() - early > now.getTime()) {
    await setasideIfPending(deps.db, d.id, { status: 'deferred', reason: null, at: now });
    return done('deferred');
  }
  if (kind === 'group' && !fallback) {
    // The gathering and the claim in one transaction under the person's group lock: an item is in
    // exactly one message, and one planned after this commit opens the next head (group-deliveries.ts).
    return withTransaction(deps.db, async (tx) => {
      await lockGroupKeys(tx, [{ recipientId: d.recipient_id, channel: d.channel, address: d.address }]);
      await attachGroupItems(tx, d, now);
      return claimWith(deps, tx, d, await digestItemIds(tx, d.id), ctx);
    });
  }
  const gathers = kind === 'digest' || kind === 'group';
  const items = gathers ? await digestItemIds(deps.db, d.fallback_of ?? d.id) : [];
  return claimWith(deps, deps.db, d, items, ctx);
}

async function claimWith(
  deps: NotifyDeps,
  db: pg.Pool | pg.PoolClient,
  d: DeliveryRow,
  items: number[],
  ctx: OutcomeContext,
): Promise<Claim> {
  const now = ctx.now;
  if (parseStep(d.step).kind === 'group' && items.length === 0) {
    // Every item was acknowledged or resolved before the group went out.
    await setasideIfPending(db, d.id, { status: 'cancelled', reason: 'nothing left to send', at: now });
    return done('cancelled');
  }
  const composed = await deps.messages.compose(db, d, items);
  if (!composed.send) {
    await setasideIfPending(db, d.id, { status: 'cancelled', reason: composed.reason, at: now });
    return done('cancelled');
  }
  const message = composed.message;
  const claimArgs = {
    leaseUntil: new Date(now.getTime() + deps.settings.leaseMs),
    messageId: newMessageId(d, deps.mailDomain),
    at: now,
  };
  if (d.channel === 'email') {
    const claimed = await claimPending(db, d.id, claimArgs);
    return claimed ? { kind: 'claimed', delivery: claimed, message } : done('skipped');
  }
  return withTransaction(db, async (tx) => {
    const capped = await overDailyCap(tx, d, deps.settings.smsDailyCapPerPhone, now);
    const claimed = await claimPending(tx, d.id, claimArgs);
    if (!claimed) return done('skipped');
    if (!capped) return { kind: 'claimed', delivery: claimed, message };
    const err = new ChannelError(
      `daily SMS cap of ${deps.settings.smsDailyCapPerPhone} reached for this number`,
      'sms',
      false,
      'daily-cap',
    );
    return done('failed', await recordPermanentFailure(tx, claimed, err, ctx));
  });
}

async function overDailyCap(tx: Queryable, d: DeliveryRow, cap: number, now: Date): Promise<boolean> {
  await lockAddress(tx, d.address); // held to commit: two workers cannot both take the last slot
  const day = toShanghaiDay(now);
  const sent = await countSmsForDay(tx, d.address, shanghaiDayStart(day), shanghaiDayStart(addDays(day, 1)));
  return sent >= cap;
}

async function transmit(deps: NotifyDeps, d: DeliveryRow, message: Message, now: Date) {
  const { item: alert, items } = message;
  if (d.channel === 'email') {
    const ackLink = (a: MessageItem) => message.ackLink(a, d.recipient_id, now);
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
    items,
    signName: deps.channels.sms.signName,
    codes: deps.smsCodes,
    variableMax: deps.channels.sms.limits.variableMax,
    ack: smsAckOf(deps, message, d),
    now,
  });
  const r = await deps.channels.sms.send(
    {
      phone: d.address,
      templateCode: sms.templateCode,
      params: sms.params,
      paramOrder: sms.paramOrder,
      outId: d.message_id!,
    },
    // The evidence recover-leases.ts decides by: from here on the provider may have the message.
    { beforeRequest: () => markDataSent(deps.db, d.id, d.attempts, deps.clock.now()) },
  );
  return {
    providerMessageId: r.providerMessageId,
    response: r.duplicate
      ? `${r.response} (OutId seen before: the gateway did not send it again)`
      : r.response,
  };
}

function smsAckOf(deps: NotifyDeps, message: Message, d: DeliveryRow) {
  const code = deps.smsAck && message.item ? message.smsAckCode(message.item, d.id) : null;
  return code && deps.smsAck ? { ...deps.smsAck, code } : null;
}

/** `startAt`: the instant a group head's job may claim (its payload's), see groupEarlyMs. */
export async function sendDelivery(
  deps: NotifyDeps,
  deliveryId: number,
  startAt?: number,
): Promise<SendResult> {
  const ctx = (): OutcomeContext => ({
    now: deps.clock.now(),
    settings: deps.settings,
    outcomes: deps.outcomes,
  });
  const c = await claim(deps, deliveryId, ctx(), startAt);
  if (c.kind === 'done') return c.result;
  const { delivery: d, message } = c;
  let answer: { providerMessageId: string; response: string };
  try {
    answer = await transmit(deps, d, message, deps.clock.now());
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
      if (temporary) return recordTemporaryFailure(tx, d, err, ctx());
      return {
        outcome: 'failed' as const,
        outboxIds: await recordPermanentFailure(tx, d, err, ctx()),
      };
    });
  }
  await withTransaction(deps.db, (tx) => recordSent(tx, d, answer, ctx()));
  return { outcome: 'sent', outboxIds: [] };
}
