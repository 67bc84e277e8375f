/**
 * The transactional outbox. A state change writes its follow-up jobs here in the same transaction; the
 * relay moves them to BullMQ with their deterministic job ids and marks them relayed. If the process dies
 * between the two, the next relay sends them again and BullMQ drops the duplicate id.
 */
import type pg from 'pg';
import type { Queue } from 'bullmq';
import { withTransaction, type Queryable } from '../db/queryable.js';

export interface OutboxMessage {
  queue: string;
  jobName: string;
  jobId: string;
  payload: unknown;
}

export async function writeOutbox(db: Queryable, messages: readonly OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await db.query(
    `INSERT INTO outbox (queue, job_name, job_id, payload)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])`,
    [
      messages.map((m) => m.queue),
      messages.map((m) => m.jobName),
      messages.map((m) => m.jobId),
      messages.map((m) => JSON.stringify(m.payload)),
    ],
  );
}

/** Relays up to `limit` messages; returns how many were relayed. */
export async function relayOutbox(
  pool: pg.Pool,
  queues: Record<string, Queue>,
  limit = 1000,
): Promise<number> {
  return withTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ id: number; queue: string; job_name: string; job_id: string; payload: unknown }>(
      `SELECT id, queue, job_name, job_id, payload FROM outbox WHERE relayed_at IS NULL
        ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    if (rows.length === 0) return 0;
    const byQueue = new Map<string, typeof rows>();
    for (const r of rows) byQueue.set(r.queue, [...(byQueue.get(r.queue) ?? []), r]);
    for (const [name, msgs] of byQueue) {
      const queue = queues[name];
      if (!queue) throw new Error(`outbox names an unknown queue: ${name}`);
      await queue.addBulk(msgs.map((m) => ({ name: m.job_name, data: m.payload, opts: { jobId: m.job_id } })));
    }
    await tx.query('UPDATE outbox SET relayed_at = now() WHERE id = ANY ($1)', [rows.map((r) => r.id)]);
    return rows.length;
  });
}
