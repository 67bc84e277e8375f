/**
 * Group heads and their items (migrations/0085): one named function per statement. A key is one person on
 * one channel at one address; its advisory lock serialises the planner that adds an item with the claim
 * that gathers them, so an item committed after a head was claimed finds no open head and opens the next.
 */
import type { Queryable } from '../db/queryable.js';
import type { DeliveryRow } from './delivery-queries.js';

export interface GroupKey {
  recipientId: string;
  channel: 'email' | 'sms';
  address: string;
}

export const groupKeyText = (k: GroupKey) => `${k.recipientId}|${k.channel}|${k.address}`;

/** Held to commit; several keys are locked in sorted order so two planners cannot deadlock. */
export async function lockGroupKeys(db: Queryable, keys: readonly GroupKey[]): Promise<void> {
  if (keys.length === 0) return;
  await db.query(
    `SELECT pg_advisory_xact_lock(hashtext('envwatch:group:' || k)) FROM unnest($1::text[]) AS k ORDER BY k`,
    [[...new Set(keys.map(groupKeyText))].sort()],
  );
}

export interface PendingItems {
  n: number;
  /** The earliest moment an urgent item wants to go, and a non-urgent one. */
  urgent_due: Date | null;
  due: Date | null;
  /** When the earliest non-urgent item was planned (a straggler of an early-started message, see below). */
  planned_first: Date | null;
  role: string;
  locale: string;
}

export async function pendingGroupItems(db: Queryable, k: GroupKey): Promise<PendingItems | null> {
  const { rows } = await db.query<PendingItems>(
    `SELECT count(*)::int AS n, min(not_before) FILTER (WHERE urgent) AS urgent_due,
            min(not_before) FILTER (WHERE NOT urgent) AS due,
            min(created_at) FILTER (WHERE NOT urgent) AS planned_first,
            min(recipient_role) AS role, min(locale) AS locale
       FROM delivery
      WHERE mode = 'group' AND status = 'pending' AND recipient_id = $1 AND channel = $2 AND address = $3`,
    [k.recipientId, k.channel, k.address],
  );
  return rows[0] && rows[0].n > 0 ? rows[0] : null;
}

export interface LastGroupMessage {
  /** When it was sent (now, while it is on its way). */
  at: Date;
  /** The end of its window: a message claimed early (a send lead) left this much of it to stragglers. */
  windowEnd: Date;
}

/** This person's last group message on this channel (sent, or on its way). */
export async function lastGroupMessage(
  db: Queryable,
  k: GroupKey,
  now: Date,
): Promise<LastGroupMessage | null> {
  const { rows } = await db.query<LastGroupMessage>(
    `SELECT coalesce(sent_at, $4) AS at, not_before AS "windowEnd" FROM delivery
      WHERE alert_id IS NULL AND step LIKE 'group:%' AND status IN ('sending', 'sent', 'unknown')
        AND recipient_id = $1 AND channel = $2 AND address = $3
      ORDER BY coalesce(sent_at, $4) DESC LIMIT 1`,
    [k.recipientId, k.channel, k.address, now],
  );
  return rows[0] ?? null;
}

export async function openGroupHead(
  db: Queryable,
  k: GroupKey,
): Promise<Pick<DeliveryRow, 'id' | 'not_before' | 'status'> | null> {
  const { rows } = await db.query<Pick<DeliveryRow, 'id' | 'not_before' | 'status'>>(
    `SELECT id, not_before, status FROM delivery
      WHERE alert_id IS NULL AND step LIKE 'group:%' AND status IN ('pending', 'deferred')
        AND recipient_id = $1 AND channel = $2 AND address = $3
      ORDER BY id LIMIT 1 FOR UPDATE`,
    [k.recipientId, k.channel, k.address],
  );
  return rows[0] ?? null;
}

/** Brings an open head forward (an urgent item arrived); returns the new enqueue count for the job id. */
export async function advanceGroupHead(db: Queryable, id: number, due: Date, at: Date): Promise<number> {
  const { rows } = await db.query<{ enqueued: number }>(
    `UPDATE delivery SET not_before = $2, status = 'pending', enqueued = enqueued + 1, updated_at = $3
      WHERE id = $1 RETURNING enqueued`,
    [id, due, at],
  );
  return rows[0]!.enqueued;
}

export async function insertGroupHead(
  db: Queryable,
  h: GroupKey & { role: string; locale: string; step: string; key: string; due: Date; at: Date },
): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO delivery (alert_id, recipient_id, recipient_role, channel, address, locale, step, mode,
       idempotency_key, status, not_before, enqueued, created_at, updated_at)
     VALUES (NULL, $1, $2, $3, $4, $5, $6, 'immediate', $7, 'pending', $8, 1, $9, $9)
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [h.recipientId, h.role, h.channel, h.address, h.locale, h.step, h.key, h.due, h.at],
  );
  return rows[0]?.id ?? null;
}

/** The claim's gathering: every pending item of the head's person becomes part of it. */
export async function attachGroupItems(db: Queryable, head: DeliveryRow, at: Date): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE delivery SET status = 'digested', digest_id = $4, updated_at = $5
      WHERE mode = 'group' AND status = 'pending' AND recipient_id = $1 AND channel = $2 AND address = $3`,
    [head.recipient_id, head.channel, head.address, head.id, at],
  );
  return rowCount ?? 0;
}

/** Keys with pending items but no open head (a crash between planning and scheduling, or a lost job). */
export async function orphanGroupKeys(db: Queryable, limit: number): Promise<GroupKey[]> {
  const { rows } = await db.query<{ recipient_id: string; channel: 'email' | 'sms'; address: string }>(
    `SELECT DISTINCT i.recipient_id, i.channel, i.address FROM delivery i
      WHERE i.mode = 'group' AND i.status = 'pending'
        AND NOT EXISTS (SELECT 1 FROM delivery h
                         WHERE h.alert_id IS NULL AND h.step LIKE 'group:%' AND h.status IN ('pending', 'deferred', 'sending')
                           AND h.recipient_id = i.recipient_id AND h.channel = i.channel AND h.address = i.address)
      LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ recipientId: r.recipient_id, channel: r.channel, address: r.address }));
}

/**
 * Open heads (any person, any channel: they share the delivery workers) due within `spanMs` of `due`: the
 * messages that will queue behind the sender with this one.
 */
export async function countHeadsDueNear(db: Queryable, due: Date, spanMs: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM delivery
      WHERE alert_id IS NULL AND step LIKE 'group:%' AND status IN ('pending', 'deferred')
        AND not_before BETWEEN $1::timestamptz - $2 * interval '1 millisecond'
                           AND $1::timestamptz + $2 * interval '1 millisecond'`,
    [due, spanMs],
  );
  return rows[0]!.n;
}
