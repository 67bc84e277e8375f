/**
 * Grouping per recipient, as Alertmanager groups by receiver (group_wait, group_interval): whatever becomes
 * due for one person — escalations, breaches, at-risk notices, warnings — is planned as items (mode 'group')
 * and goes out as ONE message per channel listing every item with its own acknowledgement link.
 *
 *  - The first item for a person opens a head due `waitMs` later (group_wait): what else arrives in that
 *    window joins it. A head is due no sooner than `intervalMs` after the person's last group message
 *    (group_interval), so a storm reaches an official as one message, then at most one per interval.
 *  - An urgent item (a hard breach during a heavy-pollution warning, a warning issued or lifted) pulls its
 *    head forward to `urgentWaitMs` and ignores the interval: it is never held for the sake of grouping.
 *    The non-urgent items pending for the same person go with it (a message goes out anyway).
 *  - A non-urgent SMS item keeps its working-hours/quiet-hours instant; the head waits for it.
 *
 * Heads are ordinary deliveries (alert_id NULL, step 'group:<ms>'): claimed, leased, retried, recovered
 * and given a fallback channel like any other. The claim gathers the items (send-delivery.ts).
 */
import type { Queryable } from '../db/queryable.js';
import { writeOutbox } from '../outbox/outbox.js';
import { deliveryKey, sendDeliveryOutbox } from './delivery-queries.js';
import {
  advanceGroupHead,
  countHeadsDueNear,
  insertGroupHead,
  lastGroupMessage,
  lockGroupKeys,
  openGroupHead,
  orphanGroupKeys,
  pendingGroupItems,
  type GroupKey,
  type LastGroupMessage,
} from './group-queries.js';
import { groupSendLeadMs, SAME_INSTANT_MS } from './group-send-lead.js';

export interface Grouping {
  waitMs: number;
  intervalMs: number;
  urgentWaitMs: number;
}

/**
 * When an item planned now wants to go. Its window opens when it became due (`since`: the evaluation was
 * stored, the escalation fell due), not when a busy planner reached it: group_wait is a promise about how
 * long an official waits, and in a storm the planner reaches a person's first alert seconds after the
 * commit — the grouping bench's extra second. A planner running late (a backlog, a restart) still leaves
 * a tenth of group_wait from now for what it plans next to join (docs/decisions.md). Urgent items go
 * within the urgent wait; a non-urgent SMS held for working/quiet hours waits for that instant.
 */
export function itemDue(
  now: Date,
  urgent: boolean,
  sendableAt: Date,
  g: Grouping,
  since?: Date | null,
): Date {
  const t = now.getTime();
  const opens = since ? Math.min(t, since.getTime()) : t;
  if (urgent) return new Date(Math.max(opens + g.urgentWaitMs, t));
  return new Date(Math.max(opens + g.waitMs, t + Math.ceil(g.waitMs / 10), sendableAt.getTime()));
}

/** When a head due at `due` starts: early by the send lead (group-send-lead.ts). */
async function jobStartAt(db: Queryable, due: Date, now: Date): Promise<Date> {
  const near = await countHeadsDueNear(db, due, SAME_INSTANT_MS);
  return new Date(due.getTime() - groupSendLeadMs(due, now, near));
}

/**
 * group_interval counts from the person's last message — except for items planned before that message's
 * window ended: it was claimed early (the send lead), they belonged to it, and holding them for the interval
 * would break group_wait for them. They go at their own group_wait, in a message of their own. (An item
 * pending now was planned after that claim: the claim gathers every pending item of the person.)
 */
function intervalNotBefore(last: LastGroupMessage | null, plannedFirst: Date | null, g: Grouping): number {
  if (!last) return 0;
  if (plannedFirst && plannedFirst.getTime() < last.windowEnd.getTime()) return 0;
  return last.at.getTime() + g.intervalMs;
}

/** The instant a person's head is due, from their pending items and their last group message. */
async function headDue(db: Queryable, k: GroupKey, g: Grouping, now: Date) {
  const items = await pendingGroupItems(db, k);
  if (!items) return null;
  const last = await lastGroupMessage(db, k, now);
  const candidates: number[] = [];
  if (items.urgent_due) candidates.push(items.urgent_due.getTime());
  if (items.due)
    candidates.push(Math.max(items.due.getTime(), intervalNotBefore(last, items.planned_first, g)));
  return { due: new Date(Math.min(...candidates)), role: items.role, locale: items.locale };
}

/**
 * Makes sure each key with pending items has one open head due at the right time; inside the planner's
 * transaction (the key locks are held to its commit). Returns the outbox rows written.
 */
export async function scheduleGroupHeads(
  db: Queryable,
  keys: readonly GroupKey[],
  ctx: {
    now: Date;
    grouping: Grouping;
    /** An urgent item, or the sweep: the head's time may change. */ recompute?: boolean;
  },
): Promise<number[]> {
  await lockGroupKeys(db, keys);
  const seen = new Set<string>();
  const outbox: Parameters<typeof writeOutbox>[1][number][] = [];
  for (const k of keys) {
    const text = `${k.recipientId}|${k.channel}|${k.address}`;
    if (seen.has(text)) continue;
    seen.add(text);
    const open = await openGroupHead(db, k);
    // The hot path of a storm: a non-urgent item joining an open head changes nothing (the head is due
    // no later than this item would be), so it costs the lock and one lookup.
    if (open && !ctx.recompute) continue;
    const due = await headDue(db, k, ctx.grouping, ctx.now);
    if (!due) continue;
    if (open) {
      if (open.not_before.getTime() <= due.due.getTime()) continue;
      const startAt = await jobStartAt(db, due.due, ctx.now);
      const enqueued = await advanceGroupHead(db, open.id, due.due, ctx.now);
      outbox.push(sendDeliveryOutbox(open.id, enqueued, startAt));
      continue;
    }
    const startAt = await jobStartAt(db, due.due, ctx.now);
    const step = `group:${ctx.now.getTime()}`;
    const id = await insertGroupHead(db, {
      ...k,
      role: due.role,
      locale: due.locale,
      step,
      key: deliveryKey(null, k.recipientId, k.channel, step),
      due: due.due,
      at: ctx.now,
    });
    if (id !== null) outbox.push(sendDeliveryOutbox(id, 1, startAt));
  }
  return writeOutbox(db, outbox);
}

/** Sweep part: items whose head went missing get one (nothing planned is ever left unsent). */
export async function scheduleOrphanGroups(
  db: Queryable,
  ctx: { now: Date; grouping: Grouping | null },
): Promise<{ heads: number; outboxIds: number[] }> {
  if (!ctx.grouping) return { heads: 0, outboxIds: [] };
  const keys = await orphanGroupKeys(db, 500);
  if (keys.length === 0) return { heads: 0, outboxIds: [] };
  const outboxIds = await scheduleGroupHeads(db, keys, {
    now: ctx.now,
    grouping: ctx.grouping,
    recompute: true,
  });
  return { heads: outboxIds.length, outboxIds };
}
