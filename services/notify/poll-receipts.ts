/**
 * Moves accepted SMS to what the carrier reported: delivered (kept on the delivery) or failed — then the
 * delivery is failed for good and reported to the planning layer like a refusal (the other channel covers
 * the person, the operators are told about the number). Run by the poll-sms-receipts job.
 * Reports are asked for messages of the last SMS_RECEIPT_WINDOW_HOURS only: a carrier that has not answered
 * by then never will (Aliyun keeps details 30 days; most reports arrive within minutes).
 */
import type pg from 'pg';
import { withTransaction } from '../db/queryable.js';
import type { Logger } from '../logging.js';
import type { Clock } from '../time/shanghai.js';
import type { SmsChannel, SmsReceipt } from './sms-channel.js';
import type { DeliveryOutcomes } from './message.js';
import {
  listAwaitingReceipt,
  markReceiptChecked,
  recordDelivered,
  recordUndelivered,
} from './receipt-queries.js';

export interface ReceiptDeps {
  db: pg.Pool;
  clock: Clock;
  sms: SmsChannel;
  outcomes: DeliveryOutcomes;
  logger: Logger;
}

export interface ReceiptResult {
  asked: number;
  delivered: number;
  failed: number;
  outboxIds: number[];
}

export async function pollSmsReceipts(
  deps: ReceiptDeps,
  opts: { windowMs: number; limit?: number },
): Promise<ReceiptResult> {
  const result: ReceiptResult = { asked: 0, delivered: 0, failed: 0, outboxIds: [] };
  if (!deps.sms.enabled) return result;
  const now = deps.clock.now();
  const awaiting = await listAwaitingReceipt(
    deps.db,
    new Date(now.getTime() - opts.windowMs),
    opts.limit ?? 200,
  );
  result.asked = awaiting.length;
  const receipts = await deps.sms.receipts(
    awaiting.map((a) => ({ providerMessageId: a.provider_message_id, phone: a.address, sentAt: a.sent_at })),
  );
  await markReceiptChecked(
    deps.db,
    awaiting.map((a) => a.id),
    now,
  );
  for (const r of receipts) {
    const outcome = await recordReceipt(deps, r, now);
    if (outcome === 'delivered') result.delivered += 1;
    else if (outcome) {
      result.failed += 1;
      result.outboxIds.push(...outcome);
    }
  }
  return result;
}

/** One report, in its own transaction with what it causes (fallback, ops alert). */
async function recordReceipt(
  deps: ReceiptDeps,
  r: SmsReceipt,
  now: Date,
): Promise<'delivered' | number[] | null> {
  if (r.status === 'delivered') {
    const id = await recordDelivered(deps.db, {
      providerMessageId: r.providerMessageId,
      code: r.code,
      receivedAt: r.at ?? now,
      at: now,
    });
    return id === null ? null : 'delivered';
  }
  return withTransaction(deps.db, async (tx) => {
    const error = `the carrier reported the SMS as not delivered: ${r.code} ${r.description}`.trim();
    const d = await recordUndelivered(tx, {
      providerMessageId: r.providerMessageId,
      code: r.code,
      error,
      at: now,
    });
    if (!d) return null;
    deps.logger.warn({ deliveryId: d.id, code: r.code }, 'SMS not delivered (carrier report)');
    return deps.outcomes.failed(tx, { delivery: d, error, code: r.code, account: false }, now);
  });
}
