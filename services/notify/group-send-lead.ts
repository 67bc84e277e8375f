/**
 * How early a group head's job starts before its window ends (issue #14: evaluation → provider acceptance
 * ≤ group_wait + 1 s). group_wait is the time by which the message is with the provider, and a storm brings
 * hundreds of heads due in the same second: they queue behind the delivery workers and the SMTP pool, and
 * the last of 300 was accepted 2.7 s after its window ended (load 4). So each head starts early by a second
 * plus the sending time of the heads already due in that second — the n-th head planned for an instant
 * starts n × SEND_MS_PER_MESSAGE earlier than the first, and the queue drains by the window's end.
 *
 * Bounded: at most MAX_LEAD_MS and a quarter of the head's window (what remains from its planning to its
 * end), so three quarters of a window — all of an urgent one but its last 2.5 s — are always open for items
 * to join. An item planned after an early claim, before the window's end, is not held for group_interval:
 * it goes at its own group_wait (group-deliveries.ts, docs/decisions.md).
 */

/** A head's job starts at least this early: the claim, gathering, render and hand-over of one message. */
export const BASE_LEAD_MS = 1000;
/**
 * The sender's time per message when many are due at once: bench:alerts' grouping storm sent 300 heads in
 * 3.7 s (from the 1 s lead before their window end to 2.7 s after it) at load 4, with 16 delivery workers and
 * 16 SMTP connections — 12 ms each; with the defaults (8 connections, 100 e-mails/s) 300 went in 3.61 s (83/s).
 */
export const SEND_MS_PER_MESSAGE = 12;
export const MAX_LEAD_MS = 10_000;
/** Heads due within this of one another queue together. */
export const SAME_INSTANT_MS = 1000;

/**
 * The lead for a head due at `due`, planned at `now`, with `dueNear` other open heads due around then.
 */
export function groupSendLeadMs(due: Date, now: Date, dueNear: number): number {
  const wanted = BASE_LEAD_MS + dueNear * SEND_MS_PER_MESSAGE;
  const quarter = Math.floor((due.getTime() - now.getTime()) / 4);
  return Math.max(0, Math.min(wanted, MAX_LEAD_MS, Math.max(quarter, 0)));
}

/**
 * A claim accepts a head's job this much earlier than the lead it was given: BullMQ's delayed-job timers
 * may fire that much early (and two hosts' clocks differ a little).
 */
export const TIMER_TOLERANCE_MS = 500;
