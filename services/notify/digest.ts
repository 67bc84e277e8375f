/**
 * The daily digest: deliveries planned in digest mode (soft-target notices, optionally at-risk warnings)
 * are not sent one by one; at ALERT_DIGEST_TIME (Asia/Shanghai) every person's items created before that
 * moment are gathered into one e-mail. The digest is itself a delivery with its own idempotency key
 * (recipient × day), and its items are marked in the same transaction, so a sweep that runs twice — or
 * late, after downtime — builds each person's digest once and never loses an item: what missed today's
 * cut-off goes into tomorrow's.
 */
import type pg from 'pg';
import { withTransaction } from '../db/queryable.js';
import { writeOutbox } from '../outbox/outbox.js';
import { addDays, shanghaiInstant, toShanghaiDay } from '../time/shanghai.js';
import type { WorkingCalendar } from '../time/working-days.js';
import { sendDeliveryOutbox } from './delivery-queries.js';
import { deliveryKey } from './plan-deliveries.js';

/**
 * The latest digest moment at or before `now`, and the Shanghai day it belongs to. Given the working-day
 * calendar, only working days have one: what a holiday gathers waits for the next working morning (and a
 * 调休 Saturday has its digest).
 */
export function latestDigestCutoff(
  now: Date,
  atMinute: number,
  calendar: WorkingCalendar | null = null,
): { day: string; cutoff: Date } {
  const at = (day: string) => shanghaiInstant(day, Math.floor(atMinute / 60), atMinute % 60);
  let day = toShanghaiDay(now);
  if (at(day).getTime() > now.getTime()) day = addDays(day, -1);
  // Back to the last working day (bounded: no run of non-working days is a month long).
  for (let i = 0; i < 31 && calendar && !calendar.isWorkingDay(day); i++) day = addDays(day, -1);
  return { day, cutoff: at(day) };
}

interface ItemRow {
  id: number;
  recipient_id: string;
  recipient_role: string;
  address: string;
  locale: string;
}

export async function buildDigests(
  db: pg.Pool,
  ctx: { now: Date; digestAtMinute: number; calendar?: WorkingCalendar | null },
): Promise<{ digests: number; items: number; outboxIds: number[] }> {
  const { day, cutoff } = latestDigestCutoff(ctx.now, ctx.digestAtMinute, ctx.calendar ?? null);
  return withTransaction(db, async (tx) => {
    const { rows } = await tx.query<ItemRow>(
      `SELECT id, recipient_id, recipient_role, address, locale FROM delivery
        WHERE mode = 'digest' AND status = 'pending' AND created_at <= $1
        ORDER BY recipient_id, address, id FOR UPDATE SKIP LOCKED`,
      [cutoff],
    );
    const groups = new Map<string, ItemRow[]>();
    for (const r of rows) {
      const k = `${r.recipient_id}\u0000${r.address}`;
      const g = groups.get(k);
      if (g) g.push(r);
      else groups.set(k, [r]);
    }
    let digests = 0;
    let items = 0;
    const outboxIds: number[] = [];
    for (const group of groups.values()) {
      const first = group[0]!;
      const step = `digest:${day}`;
      const { rows: created } = await tx.query<{ id: number }>(
        `INSERT INTO delivery (alert_id, recipient_id, recipient_role, channel, address, locale, step, mode,
           idempotency_key, status, not_before, enqueued, created_at, updated_at)
         VALUES (NULL, $1, $2, 'email', $3, $4, $5, 'immediate', $6, 'pending', $7, 1, $7, $7)
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
        [
          first.recipient_id,
          first.recipient_role,
          first.address,
          first.locale,
          step,
          deliveryKey(null, first.recipient_id, 'email', step),
          ctx.now,
        ],
      );
      const digest = created[0];
      if (!digest) continue; // today's digest already went out: these items wait for tomorrow's
      await tx.query(
        `UPDATE delivery SET status = 'digested', digest_id = $2, updated_at = $3 WHERE id = ANY ($1::bigint[])`,
        [group.map((g) => g.id), digest.id, ctx.now],
      );
      outboxIds.push(...(await writeOutbox(tx, [sendDeliveryOutbox(digest.id, 1)])));
      digests += 1;
      items += group.length;
    }
    return { digests, items, outboxIds };
  });
}
