/**
 * Jobs lost with Redis (restarted without persistence, failed over to an empty replica): the database still
 * says the delivery is pending, the queue no longer has its job, and nothing would ever send it — deferred
 * deliveries and expired claims come back by themselves, pending ones did not (issue #20: 148 of 200 pending
 * for 73 min). The sweep asks the queue about every pending delivery untouched for `minAgeMs` and re-creates
 * the missing jobs through the outbox, with a fresh job id. A job that is there (waiting, delayed, active) is
 * left alone; were both to run, the claim lets only one of them send.
 */
import type pg from 'pg';
import { withTransaction } from '../db/queryable.js';
import { writeOutbox } from '../outbox/outbox.js';
import { bumpPendingEnqueued, listPendingSince, sendDeliveryOutbox } from './delivery-queries.js';

/** Whether the queue holds a job with this id, in any state. */
export type JobExists = (jobId: string) => Promise<boolean>;

export async function requeueLostDeliveries(
  db: pg.Pool,
  now: Date,
  jobExists: JobExists,
  opts: { minAgeMs: number; limit?: number },
): Promise<{ checked: number; requeued: number; outboxIds: number[] }> {
  const pending = await listPendingSince(db, new Date(now.getTime() - opts.minAgeMs), opts.limit ?? 2000);
  const lost: { id: number; enqueued: number }[] = [];
  for (const d of pending) {
    if (!(await jobExists(sendDeliveryOutbox(d.id, d.enqueued).jobId))) lost.push(d);
  }
  if (lost.length === 0) return { checked: pending.length, requeued: 0, outboxIds: [] };
  return withTransaction(db, async (tx) => {
    const messages = [];
    for (const d of lost) {
      const enqueued = await bumpPendingEnqueued(tx, d.id, d.enqueued, now);
      if (enqueued !== null) messages.push(sendDeliveryOutbox(d.id, enqueued));
    }
    const outboxIds = await writeOutbox(tx, messages);
    return { checked: pending.length, requeued: messages.length, outboxIds };
  });
}
