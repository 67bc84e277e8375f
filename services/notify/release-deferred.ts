/**
 * Deliveries waiting for their time (quiet hours, working hours, retry backoff) go back on the queue when
 * the sweep's clock passes their not_before — with a fresh job id, in one transaction with the outbox row.
 */
import type pg from 'pg';
import { withTransaction } from '../db/queryable.js';
import { writeOutbox } from '../outbox/outbox.js';
import { releaseDueDeferred, sendDeliveryOutbox } from './delivery-queries.js';

export async function releaseDeferred(
  db: pg.Pool,
  now: Date,
  limit = 2000,
): Promise<{ released: number; outboxIds: number[] }> {
  return withTransaction(db, async (tx) => {
    const due = await releaseDueDeferred(tx, now, limit);
    const outboxIds = await writeOutbox(
      tx,
      due.map((d) => sendDeliveryOutbox(d.id, d.enqueued)),
    );
    return { released: due.length, outboxIds };
  });
}
