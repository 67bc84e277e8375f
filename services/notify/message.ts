/**
 * What notify knows of a message: the items it speaks of (one alert today; several when #14 groups a
 * recipient's alerts into one message), each as the words and facts the renderers need — never the row of
 * the layer that planned it. That layer (alerts) fills these in through a MessageSource at send time, not at
 * planning time: a message says the item's state as it is when it goes out (acknowledged by whom, whether
 * it is still worth sending), which a payload frozen when the delivery was planned could not.
 */
import type { Queryable } from '../db/queryable.js';
import type { DeliveryRow } from './delivery-queries.js';

export interface MessageItem {
  id: number;
  /** Selects the words and the SMS template: 'target', 'heavy_pollution_warning', 'operational', ... */
  kind: string;
  /** 'firing' | 'acknowledged' | 'resolved' | 'closed' */
  state: string;
  titleZh: string;
  titleEn: string;
  bodyZh: string;
  bodyEn: string;
  /** Template variables (scopeZh, targetZh, statusZh, period, deadline, areaZh, levelZh, whatZh, ...). */
  facts: Readonly<Record<string, unknown>>;
  firedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
}

export interface Message {
  /** The item of a single-item message, null for a digest. */
  item: MessageItem | null;
  /** The items a digest gathers, in the order the message lists them. */
  items: readonly MessageItem[];
  /** A link the recipient follows to acknowledge an item, or null when it cannot be acknowledged. */
  ackLink(item: MessageItem, recipientId: string, now: Date): string | null;
  /** The short token of an SMS acknowledgement link for this delivery, or null when the item cannot be acknowledged. */
  smsAckCode(item: MessageItem, deliveryId: number): string | null;
}

export type Composed = { send: true; message: Message } | { send: false; reason: string };

/** Implemented by the layer that plans deliveries (alerts/delivery-messages.ts). */
export interface MessageSource {
  /**
   * The message a delivery carries as of now, or why it is no longer worth sending. `digestItemIds` are
   * the ids of the items a digest gathered (empty for a single-item delivery). The recipient is given
   * because an item may read differently to each (a lead official is told only the tasks they lead).
   */
  compose(
    db: Queryable,
    d: Pick<DeliveryRow, 'alert_id' | 'step' | 'recipient_id'>,
    digestItemIds: readonly number[],
  ): Promise<Composed>;
}

export interface PermanentFailure {
  delivery: DeliveryRow;
  error: string;
  code: string | null;
  /** The provider account, not this contact, is the problem (balance, template, credentials). */
  account: boolean;
}

/**
 * What the end of a delivery means is decided by the layer that planned it (fallback channel, operational
 * alerts): notify reports it here, inside the transaction that records it, so a consequence written in
 * the same transaction cannot be lost. Each returns the outbox ids it wrote, for the caller to relay.
 */
export interface DeliveryOutcomes {
  /** Accepted by the provider. */
  sent(tx: Queryable, d: DeliveryRow, at: Date): Promise<void>;
  /** Failed for good (refused, out of attempts, daily cap, interrupted too often). */
  failed(tx: Queryable, f: PermanentFailure, now: Date): Promise<number[]>;
  /** Messages whose fate only the provider knows (EMAIL_/SMS_AMBIGUOUS_POLICY=hold), held unsent. */
  held(tx: Queryable, held: readonly DeliveryRow[], now: Date): Promise<number[]>;
}

/** The delivery settings notify reads (a subset of AlertSettings, parsed once at boot). */
export interface DeliverySettings {
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  leaseMs: number;
  emailAmbiguousPolicy: 'resend' | 'hold';
  smsAmbiguousPolicy: 'resend' | 'hold';
  smsDailyCapPerPhone: number;
}
