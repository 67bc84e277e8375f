/**
 * The transactional outbox. A state change writes its follow-up jobs here in the same transaction; the
 * relay moves them to BullMQ with their deterministic job ids and marks them relayed. If the process dies
 * between the two, the next relay sends them again and BullMQ drops the duplicate id (and if the first job
 * already finished and was trimmed, the handler runs again — every handler is idempotent for that reason).
 */
import type pg from 'pg';
import type { Queue } from 'bullmq';
import { withTransaction, type Queryable } from '../db/queryable.js';

export interface OutboxMessage {
  queue: string;
  jobName: string;
  jobId: string;
  payload: unknown;
  /** Not before this instant (the relay delays the job by what remains); absent: now. */
  runAt?: Date | null;
}

/** Returns the ids of the rows written, so the writer can relay them itself right after its commit. */
export async function writeOutbox(db: Queryable, messages: readonly OutboxMessage[]): Promise<number[]> {
  if (messages.length === 0) return [];
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO outbox (queue, job_name, job_id, payload, run_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::timestamptz[])
     RETURNING id`,
    [
      messages.map((m) => m.queue),
      messages.map((m) => m.jobName),
      messages.map((m) => m.jobId),
      messages.map((m) => JSON.stringify(m.payload)),
      messages.map((m) => m.runAt ?? null),
    ],
  );
  return rows.map((r) => r.id);
}

export interface RelayOptions {
  /** Rows per transaction (one addBulk per queue each). */
  limit?: number;
  /** Only these rows (a writer relaying what it just committed); others are left to the relay loop. */
  ids?: readonly number[];
}

interface OutboxRow {
  id: number;
  queue: string;
  job_name: string;
  job_id: string;
  payload: unknown;
  run_at: Date | null;
}

/**
 * Relays up to `limit` unrelayed rows; returns how many. SKIP LOCKED lets the writer's own relay, the
 * NOTIFY listener and the cron sweep run at once without sending a row twice in the normal case.
 */
export async function relayOutbox(
  pool: pg.Pool,
  queues: Readonly<Record<string, Queue>>,
  opts: RelayOptions = {},
): Promise<number> {
  const limit = opts.limit ?? 1000;
  if (opts.ids && opts.ids.length === 0) return 0;
  return withTransaction(pool, async (tx) => {
    const { rows } = await tx.query<OutboxRow>(
      `SELECT id, queue, job_name, job_id, payload, run_at FROM outbox
        WHERE relayed_at IS NULL AND ($2::bigint[] IS NULL OR id = ANY ($2::bigint[]))
        ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit, opts.ids ?? null],
    );
    if (rows.length === 0) return 0;
    const byQueue = new Map<string, OutboxRow[]>();
    for (const r of rows) {
      const list = byQueue.get(r.queue);
      if (list) list.push(r);
      else byQueue.set(r.queue, [r]);
    }
    // BullMQ's delay is measured on this host's clock, as run_at was written with the application's.
    const now = Date.now();
    for (const [name, msgs] of byQueue) {
      const queue = queues[name];
      if (!queue) throw new Error(`outbox names an unknown queue: ${name}`);
      await queue.addBulk(
        msgs.map((m) => {
          const delay = m.run_at ? Math.max(0, m.run_at.getTime() - now) : 0;
          return {
            name: m.job_name,
            data: m.payload,
            opts: delay > 0 ? { jobId: m.job_id, delay } : { jobId: m.job_id },
          };
        }),
      );
    }
    await tx.query('UPDATE outbox SET relayed_at = now() WHERE id = ANY ($1::bigint[])', [
      rows.map((r) => r.id),
    ]);
    return rows.length;
  });
}

/** Relays until nothing is left (or only `ids`, in chunks). */
export async function relayAll(
  pool: pg.Pool,
  queues: Readonly<Record<string, Queue>>,
  opts: RelayOptions = {},
): Promise<number> {
  let total = 0;
  if (opts.ids) {
    const chunk = opts.limit ?? 1000;
    for (let i = 0; i < opts.ids.length; i += chunk) {
      total += await relayOutbox(pool, queues, { ids: opts.ids.slice(i, i + chunk), limit: chunk });
    }
    return total;
  }
  for (let n = await relayOutbox(pool, queues, opts); n > 0; n = await relayOutbox(pool, queues, opts))
    total += n;
  return total;
}

/**
 * Relayed rows are only history once BullMQ has them; keep a day for inspection. relayed_at is written
 * with the database clock, so the age is measured with it too.
 */
export async function deleteRelayedOutbox(db: Queryable, keepSeconds = 86_400): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM outbox WHERE relayed_at IS NOT NULL AND relayed_at < now() - make_interval(secs => $1)`,
    [keepSeconds],
  );
  return rowCount ?? 0;
}
